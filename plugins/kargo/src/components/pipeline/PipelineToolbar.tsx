import InputAdornment from '@material-ui/core/InputAdornment';
import { makeStyles } from '@material-ui/core/styles';
import TextField from '@material-ui/core/TextField';
import SearchIcon from '@material-ui/icons/Search';
import ToggleButton from '@material-ui/lab/ToggleButton';
import ToggleButtonGroup from '@material-ui/lab/ToggleButtonGroup';

export type PipelineViewMode = 'list' | 'graph';

const useStyles = makeStyles(theme => ({
  toolbar: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
}));

/** Search Stages by name, and switch between list and graph. */
export function PipelineToolbar(props: {
  query: string;
  onQueryChange(query: string): void;
  view: PipelineViewMode;
  onViewChange(view: PipelineViewMode): void;
}) {
  const classes = useStyles();
  return (
    <div className={classes.toolbar}>
      <TextField
        size="small"
        variant="outlined"
        placeholder="Search Stages"
        value={props.query}
        onChange={e => props.onQueryChange(e.target.value)}
        inputProps={{ 'aria-label': 'Search Stages' }}
        InputProps={{
          startAdornment: (
            <InputAdornment position="start">
              <SearchIcon fontSize="small" />
            </InputAdornment>
          ),
        }}
      />
      <ToggleButtonGroup
        size="small"
        exclusive
        value={props.view}
        onChange={(_e, value) => value && props.onViewChange(value)}
        aria-label="Pipeline view"
      >
        <ToggleButton value="list">List</ToggleButton>
        <ToggleButton value="graph">Graph</ToggleButton>
      </ToggleButtonGroup>
    </div>
  );
}
