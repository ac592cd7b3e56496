import { Link, WarningPanel } from '@backstage/core-components';
import type { ManifestSourceStatus } from '@kargo-backstage/plugin-kargo-common';
import Box from '@material-ui/core/Box';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import type { ReactNode } from 'react';
import { plural, timeAgo } from '../../model/duration';
import { formatTime } from '../gates';

const useStyles = makeStyles(theme => ({
  line: {
    display: 'flex',
    alignItems: 'center',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
  },
}));

/** A time in words, with the exact time on hover. */
function When(props: { at: string }) {
  return <span title={formatTime(props.at)}>{timeAgo(props.at)}</span>;
}

/** `applied 4 manifests 3 minutes ago`, or that nothing was applied yet. */
function describeApplied(status: ManifestSourceStatus) {
  if (!status.lastAppliedAt) return <>not applied yet</>;
  const count = status.appliedCount;
  const manifests = count === undefined ? '' : ` ${plural(count, 'manifest')}`;
  return (
    <>
      applied{manifests} <When at={status.lastAppliedAt} />
    </>
  );
}

/** "Pipeline from <location> — applied 4 manifests 3 minutes ago". */
export function ManifestSourceLine(props: { status: ManifestSourceStatus }) {
  const { status } = props;
  const where = status.location.replace(/^url:/, '');
  // `url:https://…` opens; another kind of target is only named.
  const href = /^https?:\/\//.test(where) ? where : undefined;
  return (
    <Typography variant="body2" color="textSecondary">
      Pipeline from{' '}
      {href ? <Link to={href}>{where}</Link> : <code>{where}</code>} —{' '}
      {describeApplied(status)}
    </Typography>
  );
}

/**
 * Why the last read or apply of the entity's manifests failed (the error
 * names the manifest and its path), and when it was tried: the pipeline
 * shown is still the one last applied.
 */
export function ManifestSourceError(props: { status: ManifestSourceStatus }) {
  const { status } = props;
  return (
    <WarningPanel
      severity="error"
      title="The pipeline's manifests could not be applied"
      message={<span style={{ whiteSpace: 'pre-wrap' }}>{status.error}</span>}
      defaultExpanded
    >
      <Typography variant="body2">
        {status.lastAttemptAt ? (
          <>
            Last tried <When at={status.lastAttemptAt} /> (
            {formatTime(status.lastAttemptAt)}).
          </>
        ) : (
          'Not tried yet.'
        )}{' '}
        {status.lastAppliedAt
          ? 'The pipeline shown is the one last applied.'
          : 'Nothing has been applied from it yet.'}
      </Typography>
    </WarningPanel>
  );
}

/**
 * Where the entity's pipeline comes from (`kargo.akuity.io/manifests`) and
 * how the last apply went, with the error when it failed.
 */
export function ManifestSource(props: {
  status: ManifestSourceStatus;
  /** Beside the line: "Sync now", for those who may. */
  actions?: ReactNode;
}) {
  const classes = useStyles();
  return (
    <Box component="section" aria-label="Pipeline source">
      <div className={classes.line}>
        <ManifestSourceLine status={props.status} />
        {props.actions}
      </div>
      {props.status.error && (
        <Box mt={1}>
          <ManifestSourceError status={props.status} />
        </Box>
      )}
    </Box>
  );
}
