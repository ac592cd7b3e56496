import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { pipeline, stage } from '../../__testUtils__/pipelineFixtures';
import {
  fakeKargoApi,
  renderKargoTab,
} from '../../__testUtils__/renderKargoTab';
import { WINDOWING_THRESHOLD } from './PipelineGraph';

/** `count` Stages in chains of 30 from the guestbook Warehouse. */
function chainedStages(count: number) {
  const name = (i: number) => `s${i}`;
  return Array.from({ length: count }, (_, i) =>
    stage(name(i), i % 30 === 0 ? { direct: true } : { stages: [name(i - 1)] }),
  );
}

async function openGraph(stageCount: number) {
  await renderKargoTab(
    fakeKargoApi(pipeline({ stages: chainedStages(stageCount) })),
  );
  await screen.findByText('Kargo project kargo-demo');
  await userEvent.click(screen.getByRole('button', { name: 'Graph' }));
  return screen.findByRole('region', { name: 'Pipeline graph' });
}

// Six hundred Stages render slowly in jsdom.
jest.setTimeout(30_000);

describe('PipelineGraph', () => {
  it('draws every card and edge of a small pipeline', async () => {
    const graph = await openGraph(5);
    expect(
      screen.getAllByRole('group', { name: /^(Stage|Warehouse) / }),
    ).toHaveLength(6);
    expect(graph.querySelectorAll('path[data-edge]')).toHaveLength(5);
    expect(screen.getByText('100 %')).toBeInTheDocument();
  });

  it('on a big pipeline draws only the cards near what is on screen, and search finds the rest', async () => {
    expect(600).toBeGreaterThan(WINDOWING_THRESHOLD);
    await openGraph(600);
    const drawn = screen.getAllByRole('group', { name: /^Stage / });
    // A chain starts at the left; its 30th Stage is far to the right.
    expect(screen.getByRole('group', { name: 'Stage s0' })).toBeInTheDocument();
    expect(screen.queryByRole('group', { name: 'Stage s29' })).toBeNull();
    expect(drawn.length).toBeGreaterThan(5);
    expect(drawn.length).toBeLessThan(100);
    expect(
      screen.getByText(/600 Stages: scroll or zoom out to see more, or search/),
    ).toBeInTheDocument();

    await userEvent.type(
      screen.getByRole('textbox', { name: 'Search Stages' }),
      's599',
    );
    expect(
      await screen.findByRole('group', { name: 'Stage s599' }),
    ).toBeInTheDocument();
    expect(screen.getAllByRole('group', { name: /^Stage / })).toHaveLength(1);
  });

  it('zooms out and back in, a step at a time', async () => {
    await openGraph(WINDOWING_THRESHOLD + 10);
    expect(screen.getByRole('button', { name: 'Zoom in' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    await userEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    expect(screen.getByText(/^50 %/)).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Zoom out' }));
    expect(screen.getByText(/^25 %/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Zoom out' })).toBeDisabled();
    await userEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    await userEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    await userEvent.click(screen.getByRole('button', { name: 'Zoom in' }));
    expect(screen.getByText(/^100 %/)).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Zoom in' })).toBeDisabled();
  });
});
