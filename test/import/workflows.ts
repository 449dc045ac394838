/** The operations a time-to-revenue and an invoice-to-payment workflow need from each vendor document. */
export interface VendorImport {
  system: string;
  role: "psa" | "erp" | "billing";
  /** Path below ../shared. */
  document: readonly string[];
  operations: readonly string[];
}

export const VENDOR_IMPORTS: readonly VendorImport[] = [
  {
    system: "xero-projects",
    role: "psa",
    document: ["real-world", "openapi", "xero", "xero-projects.yaml"],
    operations: ["createProject", "getProject", "getProjects", "createTask", "getTasks", "createTimeEntry", "getTimeEntries", "getProjectUsers"],
  },
  {
    system: "xero-accounting",
    role: "erp",
    document: ["real-world", "openapi", "xero", "xero_accounting.yaml"],
    operations: [
      "createContacts",
      "getContact",
      "createInvoices",
      "getInvoice",
      "updateInvoice",
      "createPayment",
      "getPayments",
      "createManualJournals",
      "getTrackingCategories",
    ],
  },
  {
    system: "chargebee",
    role: "billing",
    document: ["real-world", "openapi", "chargebee", "chargebee_api_v1_spec.yaml"],
    operations: [
      "create_a_customer",
      "retrieve_a_customer",
      "update_a_customer",
      "create_an_invoice",
      "retrieve_an_invoice",
      "create_invoice_for_a_one-time_charge",
      "add_charge_at_term_end",
      "record_payment_for_an_invoice",
      "collect_payment_for_an_invoice",
      "list_transactions_for_an_invoice",
    ],
  },
];
