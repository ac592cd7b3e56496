import { useApi } from '@backstage/frontend-plugin-api';
import Button from '@material-ui/core/Button';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { kargoApiRef } from '../../api';
import { useActionPermission } from '../../permissions';
import { errorMessage } from '../actions';

type EntityName = { kind: string; namespace?: string; name: string };

/**
 * "Sync now": reads and applies the entity's manifests at once, then
 * `onSynced` (the tab loads again and shows how it went). Disabled, with
 * the reason, for users who may not apply manifests.
 */
export function ManifestSyncButton(props: {
  entity: EntityName;
  onSynced(): void;
}) {
  const { entity, onSynced } = props;
  const api = useApi(kargoApiRef);
  // The entity's own route, whatever its projects: a plain permission.
  const refusal = useActionPermission('syncManifests', {}).reason;
  const [sync, run] = useAsyncFn(async () => {
    await api.syncManifestSource(entity);
    onSynced();
  }, [api, entity, onSynced]);
  const reason = refusal ?? (sync.loading ? 'Syncing…' : undefined);
  const button = (
    <Button
      size="small"
      color="primary"
      disabled={Boolean(reason)}
      onClick={() => run()}
    >
      Sync now
    </Button>
  );
  return (
    <>
      {reason ? (
        <Tooltip title={reason}>
          <span>{button}</span>
        </Tooltip>
      ) : (
        button
      )}
      {sync.error && (
        <Typography variant="body2" color="error" role="alert">
          Sync failed: {errorMessage(sync.error)}
        </Typography>
      )}
    </>
  );
}
