import { describeFreight } from '../../model/artifacts';
import type { PipelineModel } from '../../model/pipelineModel';
import type { HeldFreight } from '../../model/stageHistory';

/**
 * `calm-fox (guestbook@1111111)` when the pipeline knows the Freight, else
 * the start of its name; several origins joined.
 */
export function freightLabel(
  freight: HeldFreight[],
  model: PipelineModel,
): string {
  return freight
    .map(f => {
      const known = model.freightByName.get(f.name);
      return known
        ? describeFreight(known)
        : `${f.origin} ${f.name.slice(0, 7)}`;
    })
    .join(', ');
}
