/** One step of the schema. Versions are consecutive from 1; never edit a shipped one. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  /** SQL run inside the migration transaction. */
  readonly up: string;
}
