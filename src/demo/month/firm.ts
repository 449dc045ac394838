/**
 * The firm: its legal entities, rate cards, consultants, clients and projects. Halden & Rowe has a
 * UK, a US and a German company, each with its books in its own currency.
 */
import { toDecimal } from "../../ops/money.ts";
import type { Random } from "../random.ts";
import type { Client, LegalEntity, Project, PsaProject, RateCard, Resource } from "./types.ts";

interface EntityShape {
  id: string;
  name: string;
  country: string;
  currency: string;
  /** Share of the firm's people and projects. */
  weight: number;
  /** Hourly bill rates by role in whole units; cost is ~45% of the bill rate. */
  rates: Record<string, number>;
}

const ENTITIES: readonly EntityShape[] = [
  { id: "HRC-UK", name: "Halden & Rowe Consulting Ltd", country: "GB", currency: "GBP", weight: 0.5, rates: { analyst: 95, consultant: 125, "senior-consultant": 150, manager: 185, partner: 260 } },
  { id: "HRC-US", name: "Halden & Rowe Consulting Inc.", country: "US", currency: "USD", weight: 0.3, rates: { analyst: 120, consultant: 160, "senior-consultant": 195, manager: 240, partner: 340 } },
  { id: "HRC-DE", name: "Halden & Rowe Beratung GmbH", country: "DE", currency: "EUR", weight: 0.2, rates: { analyst: 105, consultant: 140, "senior-consultant": 170, manager: 210, partner: 290 } },
];

const ROLES = ["analyst", "consultant", "consultant", "senior-consultant", "senior-consultant", "manager", "partner"] as const;
const FIRST = ["Ada", "Ben", "Chloe", "Dev", "Ela", "Finn", "Greta", "Hugo", "Ines", "Jon", "Kira", "Liam", "Maya", "Noor", "Omar", "Pia", "Quinn", "Rosa", "Sami", "Tess"];
const LAST = ["Archer", "Becker", "Costa", "Dunn", "Evans", "Fischer", "Grant", "Hale", "Ivers", "Jansen", "Keller", "Lund", "Moss", "Novak", "Ortiz", "Price"];
const CLIENT_WORDS = ["Atlas", "Borealis", "Cinder", "Delta", "Ember", "Fjord", "Granite", "Harbor", "Iris", "Juniper", "Keystone", "Lumen", "Meridian", "Northwind", "Orbit"];
const CLIENT_KINDS = ["Logistics", "Health", "Energy", "Retail", "Capital", "Foods", "Mobility"];
const PROJECT_WORDS = ["data platform", "ERP rollout", "pricing review", "cloud migration", "operating model", "CRM redesign", "risk assessment", "supply chain study"];

/** The periods of a rate card: last year's rates (about 5% lower) gave way to this year's on 1 January. */
const RATE_PERIODS = [
  { year: 2025, validFrom: "2025-01-01", validTo: "2026-01-01", factor: 0.95, status: "superseded" },
  { year: 2026, validFrom: "2026-01-01", factor: 1, status: "active" },
] as const;

/** The id of an entity's rate card: one card per company, effective-dated by period. */
function rateCardId(country: string): string {
  return `RC-${country === "GB" ? "UK" : country}`;
}

/** An entity's rate card in force over one period; cost is ~45% of the bill rate. */
function rateCardOf(e: EntityShape, period: (typeof RATE_PERIODS)[number]): RateCard {
  return {
    rateCardId: rateCardId(e.country),
    name: `${e.country === "GB" ? "UK" : e.country} standard ${period.year}`,
    currency: e.currency,
    validFrom: period.validFrom,
    ...("validTo" in period ? { validTo: period.validTo } : {}),
    lines: Object.entries(e.rates).map(([role, rate]) => {
      const bill = Math.round(rate * period.factor);
      return { role, billRate: toDecimal(bill * 100), costRate: toDecimal(Math.round(bill * 0.45) * 100) };
    }),
    status: period.status,
  };
}

/** The firm's companies and rate cards. */
export function firmEntities(random: Random): { legalEntities: LegalEntity[]; rateCards: RateCard[] } {
  const legalEntities = ENTITIES.map<LegalEntity>((e) => ({
    legalEntityId: e.id,
    name: e.name,
    countryCode: e.country,
    functionalCurrency: e.currency,
    erpTenantId: random.uuid(),
    projectTrackingCategoryId: random.uuid(),
    ledgerAccounts: { revenue: "4000", unbilledRevenue: "1210", costOfSales: "5000", costClearing: "2150", reimbursableExpenses: "5300", bank: "090" },
    status: "active",
  }));
  const rateCards = ENTITIES.flatMap((e) => RATE_PERIODS.map((period) => rateCardOf(e, period)));
  return { legalEntities, rateCards };
}

/** Spreads `count` items over the entities by weight, deterministically. */
function entityFor(index: number, count: number): EntityShape {
  let edge = 0;
  for (const entity of ENTITIES) {
    edge += entity.weight * count;
    if (index < Math.round(edge)) return entity;
  }
  return ENTITIES[ENTITIES.length - 1] as EntityShape;
}

/** The consultants, spread over the companies. */
export function firmResources(random: Random, count: number): Resource[] {
  return Array.from({ length: count }, (_, i) => {
    const entity = entityFor(i, count);
    const first = FIRST[i % FIRST.length] as string;
    const last = LAST[(i * 7) % LAST.length] as string;
    return {
      resourceId: random.uuid(),
      displayName: `${first} ${last}`,
      email: `${first}.${last}.${i}@haldenrowe.example`.toLowerCase(),
      role: ROLES[i % ROLES.length] as string,
      legalEntityId: entity.id,
      employmentType: i % 9 === 8 ? "contractor" : "employee",
      homeCurrency: entity.currency,
      erpContactId: random.uuid(),
      status: "active",
    };
  });
}

/** Clients and their projects, time-and-materials and fixed-fee, over the companies. */
export function firmProjects(
  random: Random,
  count: number,
  month: string,
): { clients: Client[]; projects: Project[]; psaProjects: PsaProject[] } {
  const clients: Client[] = [];
  const clientCount = Math.max(3, Math.round(count / 4));
  for (let i = 0; i < clientCount; i++) {
    const entity = entityFor(i, clientCount);
    clients.push({
      clientId: random.uuid(),
      name: `${CLIENT_WORDS[i % CLIENT_WORDS.length]} ${CLIENT_KINDS[i % CLIENT_KINDS.length]}${i >= CLIENT_WORDS.length ? ` ${Math.floor(i / CLIENT_WORDS.length) + 1}` : ""}`,
      defaultCurrency: entity.currency,
      contractingEntityId: entity.id,
      paymentTermsDays: random.pick([14, 30, 45]),
      status: "active",
    });
  }
  const projects: Project[] = [];
  const psaProjects: PsaProject[] = [];
  const year = month.slice(0, 4);
  const perCode = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const client = clients[i % clients.length] as Client;
    const entity = ENTITIES.find((e) => e.id === client.contractingEntityId) as EntityShape;
    const fixedFee = i % 4 === 3;
    const country = entity.country === "GB" ? "UK" : entity.country;
    const serial = (perCode.get(country) ?? 0) + 1;
    perCode.set(country, serial);
    const activationDay = 1 + (i % 3);
    const activatedAt = `${month.slice(0, 8)}0${activationDay}T0${8 + (i % 2)}:${String(i % 60).padStart(2, "0")}:00Z`;
    const budgetCents = random.int(40, 400) * 1000 * 100;
    const project: Project = {
      projectId: random.uuid(),
      projectCode: `${country}-${year}-${String(serial).padStart(3, "0")}`,
      name: `${client.name.split(" ")[0]} ${PROJECT_WORDS[i % PROJECT_WORDS.length]}`,
      clientId: client.clientId,
      contractId: random.uuid(),
      legalEntityId: entity.id,
      billingModel: fixedFee ? "fixed-fee" : "time-and-materials",
      currency: entity.currency,
      rateCardId: rateCardId(entity.country),
      budget: toDecimal(budgetCents),
      startDate: `${month.slice(0, 8)}01`,
      activatedAt,
      status: "active",
    };
    projects.push(project);
    psaProjects.push({
      projectId: project.projectId,
      contactId: client.clientId,
      name: project.name,
      currencyCode: project.currency,
      status: "INPROGRESS",
      projectCode: project.projectCode,
      ...(project.contractId === undefined ? {} : { contractId: project.contractId }),
      startDateUtc: `${project.startDate}T00:00:00Z`,
      activatedDateUtc: activatedAt,
      estimate: { currency: project.currency, value: budgetCents / 100 },
    });
  }
  return { clients, projects, psaProjects };
}
