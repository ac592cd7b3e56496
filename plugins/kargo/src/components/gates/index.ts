export { ReasonDialog } from './ReasonDialog';
export {
  describeApprovers,
  describeFreeze,
  gateLines,
  PromotionApproval,
  StageApprovalFact,
  StageGateFacts,
} from './StageGates';
export { ProjectFreezeControl } from './ProjectFreezeControl';
export {
  FreightRejectionActions,
  FreightRejectionNotes,
} from './FreightRejection';
export * from './gateStatus';
