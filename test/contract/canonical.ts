/** Canonical test data for a time-to-revenue and an invoice-to-payment workflow, and each vendor operation's mapping from it. */

/** One client, project, approved time entry, invoice and payment, as the canonical entities hold them. */
export const CANONICAL = {
  client: {
    id: "CL-1001",
    name: "Halden Rowe Ltd",
    contactFirstName: "Ann",
    contactLastName: "Okafor",
    email: "ap@haldenrowe.example",
    address: { line1: "1 Wharf Street", city: "Leeds", postcode: "LS1 4AP", country: "GB" },
    erpContactId: "7f9c1d2e-3b4a-4c5d-8e6f-0a1b2c3d4e5f",
  },
  project: {
    id: "PRJ-0042",
    name: "Finance transformation",
    currency: "GBP",
    budget: "48000.00",
    deadline: "2026-12-31T17:00:00Z",
    psaProjectId: "1c2d3e4f-5a6b-4c7d-8e9f-a0b1c2d3e4f5",
  },
  time: {
    id: "TE-9001",
    date: "2026-11-20",
    minutes: 90,
    rate: "150.00",
    task: "Design workshop",
    description: "Design workshop with the finance team",
    psaUserId: "2a3b4c5d-6e7f-4a8b-9c0d-e1f2a3b4c5d6",
    psaTaskId: "3b4c5d6e-7f8a-4b9c-8d1e-f2a3b4c5d6e7",
  },
  invoice: {
    id: "INV-2026-0117",
    erpInvoiceId: "4c5d6e7f-8a9b-4c0d-9e1f-a2b3c4d5e6f7",
    issueDate: "2026-11-30",
    dueDate: "2026-12-30",
    lines: [
      { description: "Design workshop, 1.5 h", quantity: "1.5", unitPrice: "150.00", account: "200" },
      { description: "Travel", quantity: "1", unitPrice: "42.50", account: "200" },
    ],
  },
  payment: { amount: "267.50", date: "2026-12-15", reference: "BACS 88112", bankAccount: "090" },
};

/** JSONata mappings from CANONICAL to each operation's `{ path, query, body }`. */
export const MAPPINGS: Record<string, Record<string, string>> = {
  "xero-projects": {
    createProject: `{ "body": { "contactId": client.erpContactId, "name": project.name, "estimateAmount": $number(project.budget), "deadlineUtc": project.deadline } }`,
    getProject: `{ "path": { "projectId": project.psaProjectId } }`,
    getProjects: `{ "query": { "contactID": client.erpContactId } }`,
    createTask: `{
      "path": { "projectId": project.psaProjectId },
      "body": { "name": time.task, "rate": { "currency": project.currency, "value": $number(time.rate) }, "chargeType": "TIME", "estimateMinutes": 600 }
    }`,
    getTasks: `{ "path": { "projectId": project.psaProjectId } }`,
    createTimeEntry: `{
      "path": { "projectId": project.psaProjectId },
      "body": { "userId": time.psaUserId, "taskId": time.psaTaskId, "dateUtc": time.date & "T00:00:00Z", "duration": time.minutes, "description": time.description }
    }`,
    getTimeEntries: `{ "path": { "projectId": project.psaProjectId } }`,
    getProjectUsers: `{}`,
  },
  "xero-accounting": {
    createContacts: `{ "body": { "Contacts": [{
      "Name": client.name, "ContactNumber": client.id, "FirstName": client.contactFirstName, "LastName": client.contactLastName,
      "EmailAddress": client.email,
      "Addresses": [{ "AddressType": "STREET", "AddressLine1": client.address.line1, "City": client.address.city,
                      "PostalCode": client.address.postcode, "Country": client.address.country }]
    }] } }`,
    getContact: `{ "path": { "ContactID": client.erpContactId } }`,
    createInvoices: `{ "body": { "Invoices": [{
      "Type": "ACCREC", "Contact": { "ContactID": client.erpContactId }, "Reference": invoice.id,
      "Date": invoice.issueDate, "DueDate": invoice.dueDate, "CurrencyCode": project.currency, "Status": "DRAFT",
      "LineAmountTypes": "Exclusive",
      "LineItems": [invoice.lines.{ "Description": description, "Quantity": $number(quantity), "UnitAmount": $number(unitPrice), "AccountCode": account }]
    }] } }`,
    getInvoice: `{ "path": { "InvoiceID": invoice.erpInvoiceId } }`,
    updateInvoice: `{ "path": { "InvoiceID": invoice.erpInvoiceId }, "body": { "Invoices": [{ "Reference": invoice.id, "DueDate": invoice.dueDate }] } }`,
    createPayment: `{ "body": {
      "Invoice": { "InvoiceID": invoice.erpInvoiceId }, "Account": { "Code": payment.bankAccount },
      "Date": payment.date, "Amount": $number(payment.amount), "Reference": payment.reference
    } }`,
    getPayments: `{ "query": { "order": "Date DESC" } }`,
    createManualJournals: `{ "body": { "ManualJournals": [{
      "Narration": "Cost of " & time.id & " on " & project.id, "Date": time.date, "LineAmountTypes": "NoTax",
      "JournalLines": [
        { "LineAmount": time.minutes / 60 * 80, "AccountCode": "500", "Description": time.description },
        { "LineAmount": -(time.minutes / 60 * 80), "AccountCode": "477", "Description": time.description }
      ]
    }] } }`,
    getTrackingCategories: `{}`,
  },
  chargebee: {
    create_a_customer: `{ "body": {
      "id": client.id, "first_name": client.contactFirstName, "last_name": client.contactLastName, "email": client.email,
      "company": client.name, "auto_collection": "off",
      "billing_address": { "first_name": client.contactFirstName, "last_name": client.contactLastName, "line1": client.address.line1,
                           "city": client.address.city, "zip": client.address.postcode, "country": client.address.country }
    } }`,
    retrieve_a_customer: `{ "path": { "customer-id": client.id } }`,
    update_a_customer: `{ "path": { "customer-id": client.id }, "body": { "company": client.name, "invoice_notes": "Project " & project.id } }`,
    create_an_invoice: `{ "body": {
      "customer_id": client.id, "po_number": project.id,
      "charges": {
        "amount": [invoice.lines.$round($number(quantity) * $number(unitPrice) * 100)],
        "description": [invoice.lines.description]
      }
    } }`,
    retrieve_an_invoice: `{ "path": { "invoice-id": invoice.id } }`,
    "create_invoice_for_a_one-time_charge": `{ "body": { "customer_id": client.id, "amount": $round($number(time.rate) * time.minutes / 60 * 100), "description": time.description } }`,
    add_charge_at_term_end: `{ "path": { "subscription-id": project.id }, "body": { "amount": $round($number(time.rate) * time.minutes / 60 * 100), "description": time.description } }`,
    record_payment_for_an_invoice: `{ "path": { "invoice-id": invoice.id }, "body": {
      "amount": $round($number(payment.amount) * 100), "payment_method": "bank_transfer",
      "paid_at": $floor($toMillis(payment.date & "T12:00:00Z") / 1000), "reference_number": payment.reference
    } }`,
    collect_payment_for_an_invoice: `{ "path": { "invoice-id": invoice.id }, "body": { "amount": $round($number(payment.amount) * 100) } }`,
    list_transactions_for_an_invoice: `{ "path": { "invoice-id": invoice.id }, "query": { "limit": 10 } }`,
  },
};

/**
 * Per vendor, requests the document forbids, and who must refuse them: Prism (so the test shows
 * its validation is live) and the document check (ajv over the vendor's schema).
 */
export const BROKEN: Record<string, { operation: string; mapping: string; prism?: RegExp; document?: RegExp }[]> = {
  "xero-projects": [
    {
      operation: "createTimeEntry",
      mapping: `{ "path": { "projectId": project.psaProjectId }, "body": { "userId": time.psaUserId, "dateUtc": time.date & "T00:00:00Z", "duration": "ninety" } }`,
      prism: /taskId|duration/,
      document: /must have required property 'taskId'/,
    },
  ],
  "xero-accounting": [
    { operation: "getContact", mapping: `{ "path": { "ContactID": "not-a-uuid" } }`, prism: /path parameter contactid must match format \\"uuid\\"/i },
    { operation: "createPayment", mapping: `{ "body": { "Invoice": { "InvoiceID": invoice.erpInvoiceId }, "Amount": "two hundred" } }`, document: /\/Amount must be number/ },
  ],
  chargebee: [
    {
      operation: "create_an_invoice",
      mapping: `{ "body": { "customer_id": client.id, "charges": { "amount": ["a lot"], "description": ["x"] } } }`,
      prism: /charges\.amount\.0 must be integer/,
      document: /\/charges\/amount\/0 must be integer/,
    },
  ],
};
