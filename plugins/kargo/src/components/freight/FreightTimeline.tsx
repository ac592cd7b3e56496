import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import type { KargoManifest } from '@kargo-backstage/plugin-kargo-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useMemo, useState } from 'react';
import { freightOrigin } from '../../model/artifacts';
import type { FreightStatus } from '../../model/kargoTypes';
import type { PipelineModel, StageView } from '../../model/pipelineModel';
import { FreightCard } from './FreightCard';
import { TIMELINE_LIMIT, useTimelineFreight } from './useTimelineFreight';

const ALL = '';

const useStyles = makeStyles(theme => ({
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  cards: {
    display: 'flex',
    gap: theme.spacing(1),
    overflowX: 'auto',
    paddingBottom: theme.spacing(1),
  },
}));

/** The Stages that request each origin: where its Freight may go. */
function useStagesByOrigin(model: PipelineModel) {
  return useMemo(() => {
    const byOrigin = new Map<string, StageView[]>();
    for (const stage of model.stages) {
      for (const origin of new Set(stage.requested.map(r => r.origin.name))) {
        byOrigin.set(origin, [...(byOrigin.get(origin) ?? []), stage]);
      }
    }
    return byOrigin;
  }, [model]);
}

/**
 * For each piece of Freight, the shown Stages it is in now, in pipeline
 * order; computed once per answer so the cards can skip re-rendering.
 */
function useStagesUsing(freight: KargoManifest[], model: PipelineModel) {
  return useMemo(() => {
    const order = new Map(model.stages.map((s, i) => [s.name, i]));
    return new Map(
      freight.map(f => {
        const currentlyIn = (f.status as FreightStatus | undefined)
          ?.currentlyIn;
        const stages = Object.keys(currentlyIn ?? {})
          .filter(name => order.has(name))
          .sort((a, b) => order.get(a)! - order.get(b)!)
          .map(name => model.stagesByName.get(name)!);
        return [f.metadata.name, stages];
      }),
    );
  }, [freight, model]);
}

/**
 * Freight, newest first, coloured by the Stages using it and filterable by
 * origin. With `promoteTarget` it becomes the choice of Freight for that
 * Stage: what it may take is highlighted, the rest says why not.
 */
export function FreightTimeline(props: {
  model: PipelineModel;
  promoteTarget?: StageView;
  onExitPromoteMode(): void;
  reloadKey: number;
}) {
  const { model, promoteTarget } = props;
  const classes = useStyles();
  const [origin, setOrigin] = useState(ALL);
  const { freight, availability, loading, error, truncated } =
    useTimelineFreight(model, promoteTarget, props.reloadKey);
  const stagesByOrigin = useStagesByOrigin(model);
  const stagesUsing = useStagesUsing(freight, model);
  const origins = useMemo(
    () => model.warehouses.map(w => w.metadata.name),
    [model],
  );
  const shown = freight.filter(
    f => origin === ALL || freightOrigin(f) === origin,
  );
  const availableCount = availability
    ? shown.filter(f => availability(f).available).length
    : 0;

  return (
    <section aria-label="Freight timeline">
      <Box className={classes.header}>
        <Typography variant="h6">Freight</Typography>
        <FormControl size="small">
          <InputLabel id="freight-origin-label" shrink>
            Origin
          </InputLabel>
          <Select
            labelId="freight-origin-label"
            value={origin}
            displayEmpty
            onChange={e => setOrigin(String(e.target.value))}
          >
            <MenuItem value={ALL}>All Warehouses</MenuItem>
            {origins.map(name => (
              <MenuItem key={name} value={name}>
                {name}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
        {loading && <Progress />}
      </Box>
      {promoteTarget && (
        <Alert
          severity="info"
          action={
            <Button
              color="inherit"
              size="small"
              onClick={props.onExitPromoteMode}
            >
              Cancel
            </Button>
          }
        >
          Promoting to {promoteTarget.name}: choose Freight.{' '}
          {availability &&
            `${availableCount} of ${shown.length} available to ${promoteTarget.name}.`}
        </Alert>
      )}
      {error && <ResponseErrorPanel error={error} />}
      <div className={classes.cards} role="list" aria-label="Freight">
        {shown.map(f => (
          <FreightCard
            key={f.metadata.name}
            freight={f}
            usedBy={stagesUsing.get(f.metadata.name) ?? []}
            promotableTo={stagesByOrigin.get(freightOrigin(f)) ?? []}
            promoteMode={
              promoteTarget && availability
                ? { stage: promoteTarget, availability: availability(f) }
                : undefined
            }
          />
        ))}
        {!shown.length && !loading && (
          <Typography color="textSecondary">No Freight yet.</Typography>
        )}
      </div>
      {truncated && (
        <Typography variant="caption" color="textSecondary">
          The {TIMELINE_LIMIT} newest Freight, and any older Freight a Stage
          still holds.
        </Typography>
      )}
    </section>
  );
}
