import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { memo } from 'react';
import type { StageView } from '../../model/pipelineModel';
import { StageActions, WarehouseRefreshButton } from '../actions';
import { StageApprovalFact, StageGateFacts } from '../gates';
import { OpenDrawerLink } from './OpenDrawerLink';
import {
  describeAutoPromotion,
  HealthFact,
  RunningPromotionFact,
  VerificationFact,
} from '../status';

const useStyles = makeStyles(theme => ({
  card: {
    boxSizing: 'border-box',
    height: '100%',
    padding: theme.spacing(1),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
    background: theme.palette.background.paper,
    color: theme.palette.text.primary,
    fontSize: theme.typography.body2.fontSize,
    overflow: 'hidden',
  },
  title: { fontWeight: theme.typography.fontWeightBold as number },
  line: { whiteSpace: 'nowrap', overflow: 'hidden', textOverflow: 'ellipsis' },
}));

/**
 * A card of the graph: it fills the box the layout gave it (sized up
 * front, see graphLayout), cutting what does not fit.
 */
function NodeBox(props: {
  color?: string;
  label: string;
  children: React.ReactNode;
}) {
  const classes = useStyles();
  return (
    <div
      className={classes.card}
      style={props.color ? { borderLeft: `6px solid ${props.color}` } : {}}
      role="group"
      aria-label={props.label}
    >
      {props.children}
    </div>
  );
}

/** A Stage: current Freight per origin, health, verification, promotion. */
function StageNodeView(props: { stage: StageView }) {
  const { stage } = props;
  const classes = useStyles();
  return (
    <NodeBox color={stage.color} label={`Stage ${stage.name}`}>
      <Typography className={classes.title}>
        <OpenDrawerLink kind="Stage" name={stage.name}>
          {stage.name}
        </OpenDrawerLink>
      </Typography>
      {stage.current.length ? (
        stage.current.map(c => (
          <div key={c.origin} className={classes.line} title={c.label}>
            {c.origin}: {c.label}
          </div>
        ))
      ) : (
        <div className={classes.line}>no Freight yet</div>
      )}
      <HealthFact stage={stage} />
      <VerificationFact stage={stage} />
      <div className={classes.line}>{describeAutoPromotion(stage)}</div>
      <StageGateFacts stage={stage} />
      <RunningPromotionFact stage={stage} />
      <StageApprovalFact stage={stage} />
      <StageActions stage={stage} />
    </NodeBox>
  );
}

export const StageNode = memo(StageNodeView);

/** A Warehouse, the source of Freight, with its refresh button. */
function WarehouseNodeView(props: { name: string }) {
  const classes = useStyles();
  return (
    <NodeBox label={`Warehouse ${props.name}`}>
      <Typography variant="caption">Warehouse</Typography>
      <div className={classes.line}>
        <span className={classes.title}>
          <OpenDrawerLink kind="Warehouse" name={props.name}>
            {props.name}
          </OpenDrawerLink>
        </span>
        <WarehouseRefreshButton warehouse={props.name} />
      </div>
    </NodeBox>
  );
}

export const WarehouseNode = memo(WarehouseNodeView);
