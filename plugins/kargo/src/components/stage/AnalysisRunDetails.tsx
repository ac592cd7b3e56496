import type { AnalysisMetricResult } from '@kargo-backstage/plugin-kargo-common';
import TableCell from '@material-ui/core/TableCell';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { usePipelineActions } from '../actions';
import { Loaded, useDrawerData } from '../drawer';
import { KargoStatus } from '../status';
import { ListTable } from '../table';

/** `2 of 2 successful`, with the failures and errors when there are any. */
function describeCounts(metric: AnalysisMetricResult): string {
  const parts = [
    `${metric.successful ?? 0} of ${metric.count ?? 0} successful`,
  ];
  if (metric.failed) parts.push(`${metric.failed} failed`);
  if (metric.inconclusive) parts.push(`${metric.inconclusive} inconclusive`);
  if (metric.error) parts.push(`${metric.error} errors`);
  return parts.join(', ');
}

function MetricRow(props: { metric: AnalysisMetricResult }) {
  const { metric } = props;
  const last = metric.measurements[metric.measurements.length - 1];
  return (
    <TableRow>
      <TableCell>{metric.name}</TableCell>
      <TableCell>
        <KargoStatus status={metric.phase} />
      </TableCell>
      <TableCell>{describeCounts(metric)}</TableCell>
      <TableCell style={{ overflowWrap: 'anywhere' }}>
        {last?.value ?? ''}
      </TableCell>
      <TableCell>{metric.message ?? last?.message ?? ''}</TableCell>
    </TableRow>
  );
}

/**
 * The AnalysisRun of a verification: its phase, and each metric with its
 * measurements so far and the last value measured.
 */
export function AnalysisRunDetails(props: { name: string }) {
  const { api, project } = usePipelineActions();
  const run = useDrawerData(
    () => api.getAnalysisRun(project, props.name),
    [api, project, props.name],
  );
  return (
    <Loaded state={run}>
      {analysisRun => (
        <section aria-label={`AnalysisRun ${props.name}`}>
          <Typography variant="subtitle1">
            AnalysisRun {props.name}:{' '}
            <KargoStatus status={analysisRun.status?.phase ?? 'Pending'} />
          </Typography>
          {analysisRun.status?.message && (
            <Typography variant="body2">
              {analysisRun.status.message}
            </Typography>
          )}
          <ListTable
            label="Metrics"
            columns={[
              'Metric',
              'Status',
              'Measurements',
              'Last value',
              'Message',
            ]}
            items={analysisRun.status?.metricResults ?? []}
            renderRow={metric => (
              <MetricRow key={metric.name} metric={metric} />
            )}
          />
        </section>
      )}
    </Loaded>
  );
}
