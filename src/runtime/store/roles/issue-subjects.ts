/**
 * What an issue is about, as a person working it sees it: the source payload of its event (what
 * the route received, and what `exceptions edit --payload` replaces) and, for a delivery's issue,
 * the request built for the target (what `exceptions edit --request` replaces). The two were once
 * one `payload` that meant either, so an edit could replace the one the person had not read.
 */

/** The event an issue holds, as it stands. */
export interface IssueSource {
  eventId: number;
  route: string;
  payload: unknown;
}

/** The request a delivery's issue holds, as it would be sent. */
export interface IssueRequest {
  deliveryId: number;
  system: string;
  operation: string;
  params: Readonly<Record<string, string>> | null;
  body: unknown;
}

/** The source payload and the target request of one issue; null where it has none (a gap has neither). */
export interface IssueSubject {
  source: IssueSource | null;
  request: IssueRequest | null;
}

/** The store's role for reading what an issue is about. */
export interface IssueSubjects {
  /** The issue's source payload and target request; undefined when there is no such issue. */
  issueSubject(issueId: number): Promise<IssueSubject | undefined>;
}
