export { createWaitForApprovalStep } from './waitForApprovalStep';
export {
  approvalRequestOf,
  mayReview,
  type ApprovalRequest,
  type Approvers,
} from './approvalRequest';
