import Box from '@material-ui/core/Box';
import Drawer from '@material-ui/core/Drawer';
import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import Tab from '@material-ui/core/Tab';
import Tabs from '@material-ui/core/Tabs';
import Typography from '@material-ui/core/Typography';
import CloseIcon from '@material-ui/icons/Close';
import { ReactNode, useId, useState } from 'react';

const useStyles = makeStyles(theme => ({
  paper: {
    width: 'min(960px, 92vw)',
    padding: theme.spacing(2, 3),
  },
  header: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    flexWrap: 'wrap',
  },
  title: { flexGrow: 1 },
}));

export type DrawerTab = {
  label: string;
  /** Rendered only while its tab is shown: hidden tabs load nothing. */
  render(): ReactNode;
};

/**
 * The details of one thing beside the pipeline, as Kargo's UI shows them:
 * a drawer from the right with a title, actions, and tabs.
 */
export function DetailsDrawer(props: {
  /** `Stage dev`: the heading and the drawer's accessible name. */
  title: string;
  actions?: ReactNode;
  /** The outcome of the last action: the pipeline's is behind the drawer. */
  notice?: ReactNode;
  tabs: DrawerTab[];
  onClose(): void;
}) {
  const classes = useStyles();
  const [tab, setTab] = useState(0);
  const id = useId();
  const current = props.tabs[Math.min(tab, props.tabs.length - 1)];
  return (
    <Drawer
      anchor="right"
      open
      onClose={props.onClose}
      classes={{ paper: classes.paper }}
      PaperProps={{ role: 'dialog', 'aria-label': props.title }}
    >
      <div className={classes.header}>
        <Typography variant="h5" component="h2" className={classes.title}>
          {props.title}
        </Typography>
        {props.actions}
        <IconButton aria-label={`Close ${props.title}`} onClick={props.onClose}>
          <CloseIcon />
        </IconButton>
      </div>
      {props.notice}
      <Tabs
        value={tab}
        onChange={(_e, value: number) => setTab(value)}
        indicatorColor="primary"
        variant="scrollable"
      >
        {props.tabs.map((t, i) => (
          <Tab
            key={t.label}
            label={t.label}
            id={`${id}-tab-${i}`}
            aria-controls={`${id}-panel`}
          />
        ))}
      </Tabs>
      <Box
        mt={2}
        role="tabpanel"
        id={`${id}-panel`}
        aria-labelledby={`${id}-tab-${tab}`}
      >
        {current.render()}
      </Box>
    </Drawer>
  );
}
