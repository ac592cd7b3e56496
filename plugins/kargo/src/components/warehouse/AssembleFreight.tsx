import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import MenuItem from '@material-ui/core/MenuItem';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import { useId, useState } from 'react';
import { freightAlias } from '../../model/artifacts';
import {
  assembledFreight,
  DiscoveredSubscription,
} from '../../model/warehouseModel';
import { ActionButton, usePipelineActions } from '../actions';

/** The newest version of each subscription: what the Warehouse would take. */
function newestOfEach(subscriptions: DiscoveredSubscription[]) {
  return Object.fromEntries(
    subscriptions.map(s => [s.key, s.options[0]?.id ?? '']),
  );
}

/**
 * Freight assembled by hand from discovered versions, one of every
 * subscription (as Kargo's "Assemble Freight"): for a Warehouse whose
 * Freight creation is Manual, or to go back to an older version.
 */
export function AssembleFreight(props: {
  warehouse: string;
  subscriptions: DiscoveredSubscription[];
}) {
  const { warehouse, subscriptions } = props;
  const { project, api, run } = usePipelineActions();
  const [chosen, setChosen] = useState(() => newestOfEach(subscriptions));
  const [error, setError] = useState<Error>();
  const [created, setCreated] = useState<string>();
  // Labelled selects need ids.
  const id = useId();
  const incomplete = subscriptions.find(s => !chosen[s.key]);

  const create = async () => {
    setError(undefined);
    setCreated(undefined);
    let alias = '';
    const failure = await run(
      `Assemble Freight from ${warehouse}`,
      async () => {
        const manifest = assembledFreight(
          project,
          warehouse,
          subscriptions,
          chosen,
        );
        const { results } = await api.applyManifests([manifest], {
          mode: 'create',
        });
        const freight = results[0]?.createdResourceManifest;
        alias = freight ? freightAlias(freight) : '';
      },
      { showsOutcomeItself: true },
    );
    if (failure) setError(failure);
    else setCreated(alias);
  };

  if (!subscriptions.length) {
    return (
      <Typography color="textSecondary">
        Nothing discovered yet to assemble Freight from.
      </Typography>
    );
  }
  return (
    <section aria-label="Assemble Freight">
      <Typography variant="body2" gutterBottom>
        Choose one version of every subscription; the new Freight is available
        to the Stages that take it straight from {warehouse}.
      </Typography>
      {subscriptions.map((s, i) => (
        <Box key={s.key} my={1}>
          <TextField
            id={`${id}-${i}`}
            select
            fullWidth
            variant="outlined"
            size="small"
            label={s.title}
            value={chosen[s.key] ?? ''}
            onChange={e =>
              setChosen(c => ({ ...c, [s.key]: String(e.target.value) }))
            }
          >
            {s.options.map(o => (
              <MenuItem key={o.id} value={o.id}>
                {o.label}
                {o.detail ? ` — ${o.detail}` : ''}
              </MenuItem>
            ))}
          </TextField>
        </Box>
      ))}
      <ActionButton
        kargoAction="assembleFreight"
        color="primary"
        variant="contained"
        onClick={create}
        unavailableReason={
          incomplete
            ? `${incomplete.title} has no version to choose`
            : undefined
        }
      >
        Create Freight
      </ActionButton>
      {created !== undefined && (
        <Alert severity="success">
          Created Freight {created || 'from the chosen versions'}.
        </Alert>
      )}
      {error && <ResponseErrorPanel error={error} />}
    </section>
  );
}
