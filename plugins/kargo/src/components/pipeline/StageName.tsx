import { makeStyles } from '@material-ui/core/styles';
import type { StageView } from '../../model/pipelineModel';
import { OpenDrawerLink } from './OpenDrawerLink';

const useStyles = makeStyles(theme => ({
  name: { whiteSpace: 'nowrap' },
  swatch: {
    display: 'inline-block',
    width: 10,
    height: 10,
    borderRadius: '50%',
    marginRight: theme.spacing(1),
  },
}));

/**
 * The Stage's name with its colour, the colour its Freight cards carry in
 * the timeline; it opens the Stage's drawer. The swatch has no text, so the
 * cell reads as the name.
 */
export function StageName(props: { stage: StageView }) {
  const classes = useStyles();
  return (
    <span className={classes.name}>
      <span
        className={classes.swatch}
        style={{ backgroundColor: props.stage.color }}
        aria-hidden
      />
      <OpenDrawerLink kind="Stage" name={props.stage.name}>
        {props.stage.name}
      </OpenDrawerLink>
    </span>
  );
}
