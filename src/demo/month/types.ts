/**
 * The shape of a generated month: the firm's reference data (canonical records), the PSA's native
 * records, the webhook events the PSA sends in time order, and the reconciliation gaps the month
 * was seeded with.
 */

/** A legal entity of the group (canonical LegalEntity). */
export interface LegalEntity {
  legalEntityId: string;
  name: string;
  countryCode: string;
  functionalCurrency: string;
  erpTenantId: string;
  projectTrackingCategoryId: string;
  ledgerAccounts: {
    revenue: string;
    unbilledRevenue: string;
    costOfSales: string;
    costClearing: string;
    reimbursableExpenses: string;
    bank: string;
  };
  status: "active";
}

/** A rate card over one period (canonical RateCard, effective-dated); rates are decimal strings. */
export interface RateCard {
  rateCardId: string;
  name: string;
  currency: string;
  /** First day the card's rates are in force. */
  validFrom: string;
  /** Day the next card's rates replace them; absent on the current card. */
  validTo?: string;
  lines: { role: string; billRate: string; costRate: string }[];
  status: "active" | "superseded";
}

/** A consultant (canonical Resource). */
export interface Resource {
  resourceId: string;
  displayName: string;
  email: string;
  role: string;
  legalEntityId: string;
  employmentType: "employee" | "contractor";
  homeCurrency: string;
  erpContactId: string;
  status: "active";
}

/** A client (canonical Client). */
export interface Client {
  clientId: string;
  name: string;
  defaultCurrency: string;
  contractingEntityId: string;
  paymentTermsDays: number;
  status: "active";
}

/** An engagement contract (canonical Contract). */
export interface Contract {
  contractId: string;
  contractNumber: string;
  clientId: string;
  legalEntityId: string;
  billingModel: "time-and-materials" | "fixed-fee";
  currency: string;
  rateCardId: string;
  poNumber: string;
  paymentTermsDays: number;
  startDate: string;
  status: "active";
}

/** A project as the canonical Project (reference data the routes look up). */
export interface Project {
  projectId: string;
  projectCode: string;
  name: string;
  clientId: string;
  /** Absent on the project whose contract data is missing. */
  contractId?: string;
  legalEntityId: string;
  billingModel: "time-and-materials" | "fixed-fee";
  currency: string;
  rateCardId: string;
  budget: string;
  startDate: string;
  activatedAt: string;
  status: "active";
}

/** A PSA time entry (psa `TimeEntry` schema). */
export interface PsaTimeEntry {
  timeEntryId: string;
  userId: string;
  projectId: string;
  taskId: string;
  dateUtc: string;
  dateEnteredUtc: string;
  duration: number;
  description: string;
  status: "ACTIVE";
  chargeType: "TIME" | "FIXED" | "NON_CHARGEABLE";
  approvalStatus: "SUBMITTED" | "APPROVED";
  approvedDateUtc?: string;
  approverUserId?: string;
}

/** A PSA expense claim (psa `Expense` schema). */
export interface PsaExpense {
  expenseId: string;
  projectId: string;
  userId: string;
  dateUtc: string;
  description: string;
  category: "TRAVEL" | "ACCOMMODATION" | "MEALS" | "MILEAGE" | "SOFTWARE" | "OTHER";
  amount: { currency: string; value: number };
  isChargeable: boolean;
  approvalStatus: "APPROVED";
  approvedDateUtc: string;
}

/** A fixed-fee milestone (psa `MilestoneTask` schema). */
export interface PsaMilestone {
  taskId: string;
  projectId: string;
  name: string;
  rate: { currency: string; value: number };
  chargeType: "FIXED";
  status: "ACTIVE";
  dueDateUtc: string;
  completedDateUtc: string;
  acceptedDateUtc: string;
  milestoneStatus: "ACCEPTED";
  billingScheduleId: string;
}

/** A fixed-fee project's billing schedule (canonical BillingSchedule): one instalment per milestone. */
export interface BillingSchedule {
  billingScheduleId: string;
  contractId: string;
  projectId: string;
  currency: string;
  totalAmount: string;
  frequency: "milestone";
  installments: { installmentId: string; milestoneId: string; plannedDate: string; amount: string }[];
  status: "active";
}

/** A PSA project as its webhook carries it (psa `Project` schema). */
export interface PsaProject {
  projectId: string;
  contactId: string;
  name: string;
  currencyCode: string;
  status: "INPROGRESS";
  projectCode: string;
  contractId?: string;
  startDateUtc: string;
  activatedDateUtc: string;
  estimate: { currency: string; value: number };
}

/** One webhook the PSA sends, at a point of the month's clock. */
export interface MonthEvent {
  /** Milliseconds since the month's start. */
  at: number;
  system: "psa";
  event: "projectActivated" | "timeEntryApproved" | "expenseApproved" | "milestoneAccepted";
  payload: PsaProject | PsaTimeEntry | PsaExpense | PsaMilestone;
  /** Why this event is unusual, when it is: a duplicate send, an edit after approval, a late approval. */
  mess?: "duplicate" | "edited-after-approval" | "late-approval";
}

/** Something the month does directly to a system's books, as a person would by hand. */
export type ManualChange =
  | { kind: "erp-journal"; projectId: string; cents: number; narration: string }
  | { kind: "erp-receivable-adjustment"; projectId: string; cents: number }
  | { kind: "erp-payment"; projectId: string; cents: number };

/** A reconciliation gap the month was seeded with: what must disagree, and why. */
export interface SeededGap {
  /** `project:<projectId>:<period>` or `invoice:<projectId>:<period>` (the project's term invoice). */
  subject: string;
  cause: "missing-contract" | "manual-erp-journal" | "receivable-adjusted" | "payment-outside-billing";
  detail: string;
}

/** Sizes of a month; the defaults are the demo's. */
export interface MonthOptions {
  seed: number;
  consultants?: number;
  projects?: number;
  timeEntries?: number;
  /** First day of the month, `YYYY-MM-01`. */
  month?: string;
}

/** A generated month. */
export interface Month {
  seed: number;
  /** `YYYY-MM`. */
  period: string;
  start: string;
  legalEntities: LegalEntity[];
  rateCards: RateCard[];
  resources: Resource[];
  clients: Client[];
  contracts: Contract[];
  billingSchedules: BillingSchedule[];
  projects: Project[];
  psaProjects: PsaProject[];
  timeEntries: PsaTimeEntry[];
  expenses: PsaExpense[];
  milestones: PsaMilestone[];
  /** Webhooks in the order the PSA sends them. */
  events: MonthEvent[];
  manualChanges: ManualChange[];
  /** Projects whose term invoice gets paid, and how much of it (0..1). */
  payments: { projectId: string; share: number }[];
  seededGaps: SeededGap[];
}
