import { signalApiRef } from '@backstage/plugin-signals-react';
import { act, screen, waitFor } from '@testing-library/react';
import { pipeline } from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';

describe('EntityKargoContent and signals', () => {
  it("loads the pipeline again on a signal of the project's channel", async () => {
    const listeners = new Map<string, (message: unknown) => void>();
    const signalApi = {
      subscribe: (channel: string, onMessage: (m: unknown) => void) => {
        listeners.set(channel, onMessage);
        return { unsubscribe: () => listeners.delete(channel) };
      },
    };
    const api = fakeKargoApi(pipeline());
    await renderKargoTab(api, { apis: [[signalApiRef, signalApi]] });
    await screen.findByText('Kargo project kargo-demo');
    expect(api.getEntityPipeline).toHaveBeenCalledTimes(1);
    expect([...listeners.keys()]).toEqual(['kargo:project:kargo-demo']);

    act(() =>
      listeners.get('kargo:project:kargo-demo')!({
        kind: 'Stage',
        name: 'dev',
      }),
    );
    await waitFor(() => expect(api.getEntityPipeline).toHaveBeenCalledTimes(2));
  });
});
