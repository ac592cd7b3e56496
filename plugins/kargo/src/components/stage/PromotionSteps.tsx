import type { PromotionStepView } from '@kargo-backstage/plugin-kargo-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Fragment, useEffect, useState } from 'react';
import { durationBetween } from '../../model/duration';
import { usePipelineActions } from '../actions';
import { Loaded, useDrawerData } from '../drawer';
import { ManifestYaml } from '../manifest/ManifestYaml';
import { KargoStatus } from '../status';
import { ACTIONS_COLUMN, ListTable } from '../table';

/** While the Promotion runs, its steps are read again this often. */
export const STEPS_POLL_MS = 2000;

const useStyles = makeStyles(theme => ({
  log: {
    margin: 0,
    padding: theme.spacing(1),
    maxHeight: 320,
    overflow: 'auto',
    background: theme.palette.background.default,
    fontFamily: 'monospace',
    fontSize: theme.typography.caption.fontSize,
    whiteSpace: 'pre-wrap',
  },
}));

/** A step's output (YAML) and log (secrets are masked by the server). */
function StepDetails(props: { step: PromotionStepView }) {
  const { step } = props;
  const classes = useStyles();
  const hasOutput = step.output && Object.keys(step.output).length > 0;
  return (
    <Box py={1}>
      <Typography variant="subtitle2">Output</Typography>
      {hasOutput ? (
        <ManifestYaml manifest={step.output} />
      ) : (
        <Typography variant="body2" color="textSecondary">
          No output.
        </Typography>
      )}
      <Typography variant="subtitle2">Log</Typography>
      {step.logs.length ? (
        <pre className={classes.log} aria-label={`Log of ${step.alias}`}>
          {step.logs.map(l => `${l.at}  ${l.message}`).join('\n')}
        </pre>
      ) : (
        <Typography variant="body2" color="textSecondary">
          No log.
        </Typography>
      )}
    </Box>
  );
}

function StepRow(props: { step: PromotionStepView; columns: number }) {
  const { step } = props;
  const [open, setOpen] = useState(false);
  const uses = step.uses && step.uses !== step.alias ? ` (${step.uses})` : '';
  return (
    <Fragment>
      <TableRow>
        <TableCell>{step.index + 1}</TableCell>
        <TableCell>
          {step.alias}
          {uses}
        </TableCell>
        <TableCell>
          {/* A step not reached yet has no status. */}
          <KargoStatus status={step.status ?? 'Pending'} />
        </TableCell>
        <TableCell>
          {durationBetween(step.startedAt, step.finishedAt) ?? ''}
        </TableCell>
        <TableCell>{step.message ?? ''}</TableCell>
        <TableCell padding="none">
          <Button
            size="small"
            aria-expanded={open}
            aria-label={`Output and log of ${step.alias}`}
            onClick={() => setOpen(o => !o)}
          >
            {open ? 'Hide' : 'Details'}
          </Button>
        </TableCell>
      </TableRow>
      {open && (
        <TableRow>
          <TableCell colSpan={props.columns}>
            <StepDetails step={step} />
          </TableCell>
        </TableRow>
      )}
    </Fragment>
  );
}

const COLUMNS = ['#', 'Step', 'Status', 'Duration', 'Message', ACTIONS_COLUMN];

/**
 * The steps of a Promotion with status, duration and message, and each
 * step's output and log on demand; read again every 2 s while it runs.
 */
export function PromotionSteps(props: { promotion: string; running: boolean }) {
  const { promotion, running } = props;
  const { api, project } = usePipelineActions();
  const [tick, setTick] = useState(0);
  const steps = useDrawerData(
    () => api.getPromotionSteps(project, promotion),
    [api, project, promotion, tick],
  );
  // The next read is due once the last one answered: no overlapping reads.
  const answered = !steps.loading;
  useEffect(() => {
    if (!running || !answered) return undefined;
    const timer = setTimeout(() => setTick(t => t + 1), STEPS_POLL_MS);
    return () => clearTimeout(timer);
  }, [running, answered]);
  return (
    <Loaded state={steps}>
      {({ items }) => (
        <ListTable
          label={`Steps of ${promotion}`}
          emptyText="This Promotion has no steps."
          columns={COLUMNS}
          items={items}
          renderRow={step => (
            <StepRow key={step.index} step={step} columns={COLUMNS.length} />
          )}
        />
      )}
    </Loaded>
  );
}
