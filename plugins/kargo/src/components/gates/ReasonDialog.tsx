import Button from '@material-ui/core/Button';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { useId, useState } from 'react';

/**
 * Asks for a reason (or an optional comment) before an action: freeze,
 * reject a Promotion or Freight, approve with a comment.
 */
export function ReasonDialog(props: {
  title: string;
  /** What the action does, above the field. */
  description?: string;
  fieldLabel: string;
  confirmLabel: string;
  /** The confirm button stays disabled until there is some text. */
  required: boolean;
  onConfirm(text: string): void;
  onClose(): void;
}) {
  const [text, setText] = useState('');
  const titleId = useId();
  const missing = props.required && !text.trim();
  return (
    <Dialog open onClose={props.onClose} aria-labelledby={titleId}>
      <DialogTitle id={titleId}>{props.title}</DialogTitle>
      <DialogContent>
        {props.description && (
          <Typography variant="body2" gutterBottom>
            {props.description}
          </Typography>
        )}
        <TextField
          fullWidth
          multiline
          required={props.required}
          label={props.fieldLabel}
          value={text}
          onChange={e => setText(e.target.value)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onClose}>Cancel</Button>
        <Button
          color="primary"
          variant="contained"
          disabled={missing}
          onClick={() => props.onConfirm(text.trim())}
        >
          {props.confirmLabel}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
