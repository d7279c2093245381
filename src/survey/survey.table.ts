/** A browser in tablet mode (SPEC §5): the token's hash, the round and group it serves, who started it. */
export interface TabletSessionTable {
  token_hash: string;
  round_id: string;
  group_id: string;
  started_by: string;
}
