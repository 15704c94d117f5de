/** @module cli/approvals — `sluice approvals list|approve|deny|revoke` against a store file or a running service. */
import { approvalStoreClient, httpApprovalsClient, type ApprovalsClient } from './approvals-client.js';
import { EXIT, parseCommandArgs, println, usageError, type Command } from './command.js';

const HELP = `sluice approvals — list and decide held exchanges

Usage:
  sluice approvals list    [--all] [--json]             (pending approvals; --all: every record)
  sluice approvals approve <id> [--as SUB --group G...]
  sluice approvals deny    <id> [--as SUB --group G...]
  sluice approvals revoke  <id>                         (end a time-boxed grant early)

Where:
  --store FILE   the approvals store file (or SLUICE_APPROVALS_STORE); the approver is --as/--group,
                 trusted because whoever can write the store file is already an operator
  --url URL      a service's approval routes, e.g. http://127.0.0.1:3000/approvals; the approver is
                 the bearer token in --token (or SLUICE_TOKEN), checked by the service

Exit codes: 0 done · 1 refused (not found, forbidden, expired) · 2 usage error
`;

const OPTIONS = {
  store: { type: 'string' },
  url: { type: 'string' },
  token: { type: 'string' },
  as: { type: 'string' },
  group: { type: 'string', multiple: true },
  all: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

function clientFor(values: { store?: string; url?: string; token?: string; as?: string; group?: string[] }): Promise<ApprovalsClient> {
  const store = values.store ?? process.env.SLUICE_APPROVALS_STORE;
  if (values.url && values.store) throw usageError('use --store or --url, not both');
  if (values.url) {
    if (values.as || values.group) throw usageError('--as/--group apply to --store; with --url the token names the approver');
    return Promise.resolve(httpApprovalsClient(values.url, values.token ?? process.env.SLUICE_TOKEN));
  }
  if (!store) throw usageError('--store FILE or --url URL is required');
  const approver = values.as ? { authenticated: true, sub: values.as, groups: values.group ?? [], method: 'cli' } : null;
  return approvalStoreClient(store, approver);
}

const inSeconds = (iso: string | null) => (iso ? `${Math.max(0, Math.round((Date.parse(iso) - Date.now()) / 1000))}s` : '-');

/**
 * The `sluice approvals` command.
 *
 * @example
 * // $ sluice approvals approve apr_1a2b3c4d5e6f7081 --store .sluice/approvals.jsonl --as alice --group dba
 * // approved apr_1a2b3c4d5e6f7081 (once) by alice
 */
export const command: Command = {
  name: 'approvals',
  summary: 'list, approve, deny or revoke held exchanges',
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, OPTIONS);
    const [action, id, ...extra] = positionals;
    if (extra.length > 0) throw usageError(`unexpected argument '${extra[0]}'`);
    if (action === 'list') {
      if (id !== undefined) throw usageError('list takes no id');
      const client = await clientFor(values);
      const rows = await client.list(values.all === true);
      if (values.json) println(io.stdout, JSON.stringify(rows, null, 2));
      else if (rows.length === 0) println(io.stdout, values.all ? 'no approvals' : 'no pending approvals');
      else {
        for (const r of rows) {
          const expires = r.state === 'pending' ? ` · expires in ${inSeconds(r.expiresAt)}` : '';
          println(io.stdout, `${r.id}  ${r.state.padEnd(8)} ${r.kind.padEnd(5)} ${r.requester ?? '-'} → ${r.target.method} ${r.target.host}${r.target.path} [${r.operationClass}] approvers: ${r.approvers.join(',')}${expires}\n    ${r.reason}`);
        }
      }
      return EXIT.OK;
    }
    if (action !== 'approve' && action !== 'deny' && action !== 'revoke') {
      throw usageError(action === undefined ? 'missing action (list, approve, deny or revoke)' : `unknown action '${action}'`);
    }
    if (!id) throw usageError(`${action} needs an approval id`);
    if (action !== 'revoke' && values.store && !values.as) throw usageError('--as SUB (and --group G) name the approver');
    const client = await clientFor(values);
    const record = await client.decide(action, id);
    println(io.stdout, `${record.state} ${record.id} (${record.kind})${record.decidedBy ? ` by ${record.decidedBy}` : ''}`);
    return EXIT.OK;
  },
};
