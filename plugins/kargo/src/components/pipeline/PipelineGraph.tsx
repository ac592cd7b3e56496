import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import Tooltip from '@material-ui/core/Tooltip';
import Typography from '@material-ui/core/Typography';
import ZoomInIcon from '@material-ui/icons/ZoomIn';
import ZoomOutIcon from '@material-ui/icons/ZoomOut';
import { useMemo, useRef, useState } from 'react';
import type { StageView } from '../../model/pipelineModel';
import { type Box, intersects, layoutPipeline } from './graphLayout';
import { StageNode, WarehouseNode } from './PipelineNodes';
import { useScrollViewport } from './useScrollViewport';

/** Above this many nodes only those near the visible area are drawn. */
export const WINDOWING_THRESHOLD = 60;
/** How far beyond the visible area nodes are drawn, in graph pixels. */
const OVERSCAN = 600;
const SCALES = [0.25, 0.5, 0.75, 1];
const ARROW_ID = 'kargo-pipeline-arrow';

const useStyles = makeStyles(theme => ({
  controls: { display: 'flex', alignItems: 'center', gap: theme.spacing(1) },
  viewport: {
    overflow: 'auto',
    maxHeight: '70vh',
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  edge: { fill: 'none', stroke: theme.palette.text.secondary },
  arrow: { fill: theme.palette.text.secondary },
}));

const grow = (box: Box, by: number): Box => ({
  x: box.x - by,
  y: box.y - by,
  width: box.width + 2 * by,
  height: box.height + 2 * by,
});

/**
 * The pipeline as a graph, left to right: Warehouses, then Stages in
 * promotion order. Laid out once per change of the pipeline or the search
 * (card sizes are known up front), scrolled natively, zoomable; on big
 * pipelines only the cards near the visible area are in the page, so
 * hundreds of Stages draw as fast as a few.
 */
export function PipelineGraph(props: {
  stages: StageView[];
  warehouses: string[];
  searching: boolean;
}) {
  const { stages, warehouses, searching } = props;
  const classes = useStyles();
  const layout = useMemo(
    () => layoutPipeline(stages, warehouses, searching),
    [stages, warehouses, searching],
  );
  const [scale, setScale] = useState(1);
  const scroller = useRef<HTMLDivElement>(null);
  const windowed = layout.nodes.length > WINDOWING_THRESHOLD;
  // Only a windowed graph depends on where it is scrolled to.
  const viewport = useScrollViewport(scroller, windowed);
  const area =
    windowed && viewport
      ? grow(
          {
            x: viewport.x / scale,
            y: viewport.y / scale,
            width: viewport.width / scale,
            height: viewport.height / scale,
          },
          OVERSCAN,
        )
      : undefined;
  // Before the first measurement, the top left corner.
  const shown = windowed
    ? area ?? { x: 0, y: 0, width: 1600 + OVERSCAN, height: 900 + OVERSCAN }
    : undefined;
  const nodes = shown
    ? layout.nodes.filter(n => intersects(n, shown))
    : layout.nodes;
  const edges = shown
    ? layout.edges.filter(e => intersects(e.bounds, shown))
    : layout.edges;
  const step = SCALES.indexOf(scale);

  return (
    <div>
      <div className={classes.controls}>
        <Tooltip title="Zoom out">
          <span>
            <IconButton
              size="small"
              aria-label="Zoom out"
              disabled={step === 0}
              onClick={() => setScale(SCALES[step - 1])}
            >
              <ZoomOutIcon fontSize="small" />
            </IconButton>
          </span>
        </Tooltip>
        <Tooltip title="Zoom in">
          <span>
            <IconButton
              size="small"
              aria-label="Zoom in"
              disabled={step === SCALES.length - 1}
              onClick={() => setScale(SCALES[step + 1])}
            >
              <ZoomInIcon fontSize="small" />
            </IconButton>
          </span>
        </Tooltip>
        <Typography variant="caption" color="textSecondary">
          {Math.round(scale * 100)} %
          {windowed &&
            ` · ${stages.length} Stages: scroll or zoom out to see more, or search`}
        </Typography>
      </div>
      <div
        ref={scroller}
        className={classes.viewport}
        role="region"
        aria-label="Pipeline graph"
        // A scrollable region must take focus to scroll with the keyboard.
        // eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex
        tabIndex={0}
      >
        <div
          style={{
            position: 'relative',
            width: layout.width * scale,
            height: layout.height * scale,
          }}
        >
          <div
            style={{
              position: 'absolute',
              width: layout.width,
              height: layout.height,
              transform: scale === 1 ? undefined : `scale(${scale})`,
              transformOrigin: '0 0',
            }}
          >
            <svg
              width={layout.width}
              height={layout.height}
              style={{ position: 'absolute', left: 0, top: 0 }}
              aria-hidden
            >
              <defs>
                <marker
                  id={ARROW_ID}
                  viewBox="0 0 10 10"
                  refX="10"
                  refY="5"
                  markerWidth="8"
                  markerHeight="8"
                  orient="auto-start-reverse"
                >
                  <path d="M0,0L10,5L0,10z" className={classes.arrow} />
                </marker>
              </defs>
              {edges.map(edge => (
                <path
                  key={`${edge.from}>${edge.to}`}
                  d={edge.path}
                  className={classes.edge}
                  markerEnd={`url(#${ARROW_ID})`}
                  data-edge={`${edge.from}>${edge.to}`}
                />
              ))}
            </svg>
            {nodes.map(node => (
              <div
                key={node.id}
                style={{
                  position: 'absolute',
                  left: node.x,
                  top: node.y,
                  width: node.width,
                  height: node.height,
                }}
              >
                {node.data.kind === 'stage' ? (
                  <StageNode stage={node.data.stage} />
                ) : (
                  <WarehouseNode name={node.data.name} />
                )}
              </div>
            ))}
          </div>
        </div>
      </div>
    </div>
  );
}
