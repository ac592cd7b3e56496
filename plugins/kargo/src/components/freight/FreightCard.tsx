import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Card from '@material-ui/core/Card';
import CardActions from '@material-ui/core/CardActions';
import CardContent from '@material-ui/core/CardContent';
import Chip from '@material-ui/core/Chip';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { memo } from 'react';
import {
  describeArtifact,
  artifactsOf,
  freightAlias,
  freightOrigin,
} from '../../model/artifacts';
import type { StageView } from '../../model/pipelineModel';
import { ActionButton, usePipelineActions } from '../actions';
import {
  FreightRejectionActions,
  FreightRejectionNotes,
} from '../gates/FreightRejection';
import type { FreightAvailability } from './availability';
import { PromoteToStageMenu } from './PromoteToStageMenu';
import { SoakCountdown } from './SoakCountdown';

const useStyles = makeStyles(theme => ({
  card: {
    width: 220,
    flexShrink: 0,
    borderTop: '6px solid',
    display: 'flex',
    flexDirection: 'column',
  },
  unavailable: { opacity: 0.6 },
  available: { boxShadow: `0 0 0 2px ${theme.palette.primary.main}` },
  content: { flexGrow: 1, paddingBottom: 0 },
  chip: { color: '#fff', marginRight: 4, marginTop: 4 },
  artifact: { overflowWrap: 'anywhere' },
}));

export type FreightCardProps = {
  freight: KargoManifest;
  /** The Stages holding it now, in pipeline order. */
  usedBy: StageView[];
  /** Stages that request its origin: where it may be promoted. */
  promotableTo: StageView[];
  /** In promote mode: the chosen Stage and what it says of this Freight. */
  promoteMode?: { stage: StageView; availability: FreightAvailability };
};

/**
 * One piece of Freight in the timeline, coloured by the Stages using it.
 * In promote mode it says whether the chosen Stage may take it, and why
 * not; otherwise it offers to promote it to a Stage.
 */
function FreightCardView(props: FreightCardProps) {
  const { freight, usedBy, promoteMode } = props;
  const classes = useStyles();
  const { project, api, run, openPromote } = usePipelineActions();
  const alias = freightAlias(freight);
  const availability = promoteMode?.availability;
  const target = promoteMode?.stage;
  const className = [
    classes.card,
    availability?.available ? classes.available : '',
    availability && !availability.available ? classes.unavailable : '',
  ].join(' ');
  return (
    <Card
      className={className}
      style={{ borderTopColor: usedBy[0]?.color ?? 'transparent' }}
      role="listitem"
      aria-label={`Freight ${alias}`}
    >
      <CardContent className={classes.content}>
        <Typography variant="subtitle2">{alias}</Typography>
        <Typography variant="caption" color="textSecondary">
          from {freightOrigin(freight)}
        </Typography>
        {artifactsOf(freight).map(a => (
          <Typography
            key={a.key}
            variant="body2"
            className={classes.artifact}
            title={a.fullVersion}
          >
            {describeArtifact(a)}
          </Typography>
        ))}
        <div>
          {usedBy.map(stage => (
            <Chip
              key={stage.name}
              size="small"
              label={stage.name}
              className={classes.chip}
              style={{ backgroundColor: stage.color }}
            />
          ))}
        </div>
        <FreightRejectionNotes freight={freight} />
        {target && availability && !availability.available && (
          <Typography variant="body2" color="textSecondary">
            Not available: {availability.reason}
            {availability.availableAt !== undefined && (
              <>
                {' '}
                (<SoakCountdown availableAt={availability.availableAt} />)
              </>
            )}
          </Typography>
        )}
      </CardContent>
      <CardActions style={{ flexWrap: 'wrap' }}>
        {target && availability?.available && (
          <ActionButton
            kargoAction="promote"
            stage={target.name}
            color="primary"
            variant="contained"
            onClick={() => openPromote(target, freight)}
          >
            Promote to {target.name}
          </ActionButton>
        )}
        {target && availability && !availability.available && (
          <ActionButton
            kargoAction="approve"
            stage={target.name}
            unavailableReason={
              availability.approvable
                ? undefined
                : 'Approval cannot make this origin available'
            }
            onClick={() =>
              run(`Approve ${alias} for ${target.name}`, () =>
                api.approveFreight(project, freight.metadata.name, target.name),
              )
            }
          >
            Approve for {target.name}
          </ActionButton>
        )}
        {target && (
          <FreightRejectionActions freight={freight} stage={target.name} />
        )}
        {!promoteMode && (
          <PromoteToStageMenu freight={freight} stages={props.promotableTo} />
        )}
      </CardActions>
    </Card>
  );
}

export const FreightCard = memo(FreightCardView);
