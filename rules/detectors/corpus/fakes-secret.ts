/** @module detectors/corpus/fakes-secret — format-valid fake credentials, one generator per secret detector. */
import { base62Checksum } from '../../../engine/scan/validators.js';
import { ALNUM, BASE64, BASE64URL, DIGITS, HEX, LOWER, UPPER, base64Blob, type Rng } from './rng.js';

/** A fake finding: `text` is what appears in a payload, `secret` the part a detector must mask. */
export interface Fake {
  text: string;
  secret: string;
}

/** A generator of fakes for one detector. */
export type FakeGenerator = (rng: Rng) => Fake;

const plain = (secret: string): Fake => ({ text: secret, secret });
const inContext = (rng: Rng, contexts: readonly string[], secret: string): Fake => {
  const context = rng.pick(contexts);
  const quote = context.endsWith('"') ? '"' : '';
  return { text: `${context}${secret}${quote}`, secret };
};
const crcToken = (prefix: string, rng: Rng): string => {
  const body = rng.chars(ALNUM, 30);
  return `${prefix}${body}${base62Checksum(body)}`;
};
const uuid = (rng: Rng): string =>
  [8, 4, 4, 4, 12].map((n) => rng.chars(HEX, n)).join('-');
const openaiLong = (rng: Rng, prefix: string): string =>
  `${prefix}${rng.chars(BASE64URL, 74)}T3BlbkFJ${rng.chars(BASE64URL, 74)}`;
const jwtPart = (value: unknown): string => Buffer.from(JSON.stringify(value)).toString('base64url');
const password = (rng: Rng): string => rng.chars(ALNUM, rng.int(4, 10)) + rng.pick(['!', '_', '-', '%25', '.']) + rng.chars(ALNUM, rng.int(4, 12));
const host = (rng: Rng): string => `${rng.pick(['db', 'prod', 'cache', 'mq', 'core'])}-${rng.chars(LOWER + DIGITS, 5)}.${rng.pick(['internal', 'example.com', 'svc.cluster.local'])}`;

/** Fake generators keyed by secret detector id. */
export const SECRET_FAKES: Readonly<Record<string, FakeGenerator>> = {
  'aws-access-key-id': (r) => plain(r.pick(['AKIA', 'ASIA', 'ABIA', 'ACCA']) + r.chars(UPPER + '234567', 16)),
  'aws-secret-access-key': (r) =>
    inContext(r, ['aws_secret_access_key = ', 'AWS_SECRET_ACCESS_KEY="', 'export AWS_SECRET_ACCESS_KEY=', '"SecretAccessKey": "', 'aws secret key: '], r.chars(ALNUM + '/+', 40)),
  'aws-session-token': (r) =>
    inContext(r, ['aws_session_token = ', 'AWS_SESSION_TOKEN=', '"SessionToken": "'], `IQoJb3JpZ2luX2Vj${r.chars(ALNUM + '/+', r.int(200, 600))}`),
  'gcp-api-key': (r) => plain(`AIza${r.chars(BASE64URL, 35)}`),
  'gcp-service-account-key': (r) => inContext(r, ['"private_key_id": "', '\\"private_key_id\\": \\"'], r.chars(HEX, 40)),
  'gcp-oauth-client-secret': (r) => plain(`GOCSPX-${r.chars(BASE64URL, 28)}`),
  'azure-storage-key': (r) => {
    const key = base64Blob(r, 64);
    return { text: `DefaultEndpointsProtocol=https;AccountName=st${r.chars(LOWER + DIGITS, 10)};AccountKey=${key};EndpointSuffix=core.windows.net`, secret: key };
  },
  'azure-shared-access-key': (r) => {
    const key = base64Blob(r, 32);
    return { text: `Endpoint=sb://ns-${r.chars(LOWER, 6)}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${key}`, secret: key };
  },
  'azure-sas-token': (r) => {
    const sig = encodeURIComponent(base64Blob(r, 32));
    return { text: `https://st${r.chars(LOWER, 8)}.blob.core.windows.net/data/report.csv?sv=2022-11-02&ss=b&srt=o&sp=r&se=2026-01-01T00:00:00Z&spr=https&sig=${sig}`, secret: sig };
  },
  'azure-ad-client-secret': (r) => plain(`${r.chars(ALNUM, 3)}${r.int(0, 9)}Q~${r.chars(ALNUM + '_~.-', 34)}`),
  'github-pat': (r) => plain(crcToken('ghp_', r)),
  'github-oauth-token': (r) => plain(crcToken('gho_', r)),
  'github-app-token': (r) => plain(crcToken(r.pick(['ghu_', 'ghs_']), r)),
  'github-refresh-token': (r) => plain(crcToken('ghr_', r)),
  'github-fine-grained-pat': (r) => plain(`github_pat_11${r.chars(UPPER + DIGITS, 20)}_${r.chars(ALNUM, 59)}`),
  'gitlab-pat': (r) => plain(`glpat-${r.chars(BASE64URL, 20)}`),
  'gitlab-pipeline-trigger-token': (r) => plain(`glptt-${r.chars(HEX, 40)}`),
  'gitlab-runner-token': (r) => plain(`glrt-${r.chars(BASE64URL, 20)}`),
  'gitlab-deploy-token': (r) => plain(`gldt-${r.chars(BASE64URL, 20)}`),
  'gitlab-token': (r) => plain(`${r.pick(['glcbt-', 'glft-', 'glimt-', 'glsoat-', 'gloas-', 'glagent-'])}${r.chars(BASE64URL, r.int(20, 50))}`),
  'bitbucket-app-password': (r) => plain(`ATBB${r.chars(ALNUM, 24)}${r.chars('0123456789ABCDEF', 8)}`),
  'atlassian-api-token': (r) => plain(`ATATT3xFfGF0${r.chars(BASE64URL, 170)}=${r.chars('0123456789ABCDEF', 8)}`),
  'slack-bot-token': (r) => plain(`xoxb-${r.chars(DIGITS, r.int(10, 13))}-${r.chars(DIGITS, r.int(10, 13))}-${r.chars(ALNUM, 24)}`),
  'slack-user-token': (r) => plain(`xoxp-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 12)}-${r.chars(DIGITS, 13)}-${r.chars(HEX, 32)}`),
  'slack-app-token': (r) => plain(`xapp-1-A${r.chars(UPPER + DIGITS, 10)}-${r.chars(DIGITS, 13)}-${r.chars(HEX, 64)}`),
  'slack-config-token': (r) => plain(`xoxe.xoxp-1-${r.chars(ALNUM, 146)}`),
  'slack-webhook-url': (r) => {
    const path = `T${r.chars(UPPER + DIGITS, 10)}/B${r.chars(UPPER + DIGITS, 10)}/${r.chars(ALNUM, 24)}`;
    return { text: `https://hooks.slack.com/services/${path}`, secret: path };
  },
  'discord-bot-token': (r) =>
    plain(`${Buffer.from(`1${r.chars(DIGITS, 17)}`).toString('base64url')}.${r.chars(BASE64URL, 6)}.${r.chars(BASE64URL, 38)}`),
  'discord-webhook-url': (r) => {
    const path = `${r.chars(DIGITS, 19)}/${r.chars(BASE64URL, 68)}`;
    return { text: `https://discord.com/api/webhooks/${path}`, secret: path };
  },
  'telegram-bot-token': (r) => plain(`${r.int(1, 9)}${r.chars(DIGITS, 9)}:AA${r.chars(BASE64URL, 33)}`),
  'teams-webhook-url': (r) => {
    const path = `${uuid(r)}@${uuid(r)}/IncomingWebhook/${r.chars(HEX, 32)}/${uuid(r)}`;
    return { text: `https://contoso.webhook.office.com/webhookb2/${path}`, secret: path };
  },
  'stripe-secret-key': (r) => plain(`sk_${r.pick(['live', 'test'])}_51${r.chars(ALNUM, r.int(30, 97))}`),
  'stripe-restricted-key': (r) => plain(`rk_${r.pick(['live', 'test'])}_51${r.chars(ALNUM, r.int(30, 97))}`),
  'stripe-webhook-secret': (r) => plain(`whsec_${r.chars(ALNUM, 32)}`),
  'square-access-token': (r) => plain(r.chance(0.7) ? `EAAA${r.chars(BASE64URL, 60)}` : `sq0atp-${r.chars(BASE64URL, 22)}`),
  'square-oauth-secret': (r) => plain(`sq0csp-${r.chars(BASE64URL, 43)}`),
  'braintree-access-token': (r) => plain(`access_token$production$${r.chars(LOWER + DIGITS, 16)}$${r.chars(HEX, 32)}`),
  'shopify-access-token': (r) => plain(`${r.pick(['shpat_', 'shpca_', 'shppa_'])}${r.chars(HEX, 32)}`),
  'shopify-shared-secret': (r) => plain(`shpss_${r.chars(HEX, 32)}`),
  'anthropic-api-key': (r) => plain(`sk-ant-api03-${r.chars(BASE64URL, 93)}AA`),
  'anthropic-admin-key': (r) => plain(`sk-ant-admin01-${r.chars(BASE64URL, 93)}AA`),
  'anthropic-oauth-token': (r) => plain(`sk-ant-${r.pick(['oat01', 'ort01'])}-${r.chars(BASE64URL, 93)}AA`),
  'openai-project-key': (r) => plain(openaiLong(r, 'sk-proj-')),
  'openai-service-account-key': (r) => plain(openaiLong(r, 'sk-svcacct-')),
  'openai-admin-key': (r) => plain(openaiLong(r, 'sk-admin-')),
  'openai-api-key': (r) => plain(`sk-${r.chars(ALNUM, 20)}T3BlbkFJ${r.chars(ALNUM, 20)}`),
  'groq-api-key': (r) => plain(`gsk_${r.chars(ALNUM, 52)}`),
  'huggingface-token': (r) => plain(r.chance(0.8) ? `hf_${r.chars(UPPER + LOWER, 34)}` : `api_org_${r.chars(UPPER + LOWER, 34)}`),
  'replicate-api-token': (r) => plain(`r8_${r.chars(ALNUM, 37)}`),
  'perplexity-api-key': (r) => plain(`pplx-${r.chars(ALNUM, 48)}`),
  'xai-api-key': (r) => plain(`xai-${r.chars(ALNUM, 80)}`),
  'cohere-api-key': (r) => inContext(r, ['COHERE_API_KEY=', 'cohere_api_key: ', '"cohere_api_key": "', 'co_api_key = '], r.chars(ALNUM, 40)),
  'mistral-api-key': (r) => inContext(r, ['MISTRAL_API_KEY=', 'mistral_api_key: ', '"mistral_api_key": "'], r.chars(ALNUM, 32)),
  'openrouter-api-key': (r) => plain(`sk-or-v1-${r.chars(HEX, 64)}`),
  'langsmith-api-key': (r) => plain(`lsv2_${r.pick(['pt', 'sk'])}_${r.chars(HEX, 32)}_${r.chars(HEX, 10)}`),
  'npm-access-token': (r) => plain(crcToken('npm_', r)),
  'pypi-upload-token': (r) => plain(`pypi-AgEIcHlwaS5vcmc${r.chars(BASE64URL, r.int(120, 200))}`),
  'rubygems-api-key': (r) => plain(`rubygems_${r.chars(HEX, 48)}`),
  'dockerhub-pat': (r) => plain(`dckr_pat_${r.chars(BASE64URL, 27)}`),
  'nuget-api-key': (r) => plain(`oy2${r.chars(LOWER + DIGITS, 43)}`),
  'sendgrid-api-key': (r) => plain(`SG.${r.chars(BASE64URL, 22)}.${r.chars(BASE64URL, 43)}`),
  'twilio-api-key': (r) => inContext(r, ['TWILIO_API_KEY=', 'twilio api key sid: ', '"twilio_api_key": "'], `SK${r.chars(HEX, 32)}`),
  'twilio-auth-token': (r) => inContext(r, ['TWILIO_AUTH_TOKEN=', 'twilio_auth_token: ', '"twilio_auth_token": "'], r.chars(HEX, 32)),
  'mailgun-api-key': (r) => plain(`key-${r.chars(HEX, 32)}`),
  'mailchimp-api-key': (r) => plain(`${r.chars(HEX, 32)}-us${r.int(1, 21)}`),
  'datadog-api-key': (r) => inContext(r, ['DD_API_KEY=', 'datadog_api_key: ', '"datadog_api_key": "'], r.chars(HEX, 32)),
  'heroku-api-key': (r) => plain(`HRKU-AA${r.chars(BASE64URL, 58)}`),
  'digitalocean-token': (r) => plain(`${r.pick(['dop', 'doo', 'dor'])}_v1_${r.chars(HEX, 64)}`),
  'doppler-token': (r) => plain(`dp.${r.pick(['pt', 'st', 'sa', 'ct'])}.${r.chars(ALNUM, 43)}`),
  'vault-token': (r) => plain(`${r.pick(['hvs.', 'hvb.'])}${r.chars(BASE64URL, r.int(90, 110))}`),
  'linear-api-key': (r) => plain(`lin_api_${r.chars(ALNUM, 40)}`),
  'notion-token': (r) => plain(r.chance(0.6) ? `ntn_${r.chars(DIGITS, 11)}${r.chars(ALNUM, 35)}` : `secret_${r.chars(ALNUM, 43)}`),
  'postman-api-key': (r) => plain(`PMAK-${r.chars(HEX, 24)}-${r.chars(HEX, 34)}`),
  'sentry-token': (r) =>
    plain(r.chance(0.5) ? `sntryu_${r.chars(HEX, 64)}` : `sntrys_${jwtPart({ iat: 1700000000, url: 'https://sentry.io', org: r.chars(LOWER, 8) })}_${r.chars(BASE64, 43)}`),
  'dropbox-token': (r) => plain(`sl.${r.chance(0.5) ? 'u.' : ''}${r.chars(BASE64URL, r.int(135, 400))}`),
  'okta-api-token': (r) => inContext(r, ['OKTA_API_TOKEN=', 'Authorization: SSWS ', 'okta_token: '], `00${r.chars(BASE64URL, 40)}`),
  jwt: (r) =>
    plain(`${jwtPart({ alg: r.pick(['HS256', 'RS256', 'ES256']), typ: 'JWT' })}.${jwtPart({ sub: r.chars(DIGITS, 8), iat: r.int(1.6e9, 1.8e9), scope: 'read write' })}.${r.chars(BASE64URL, 43)}`),
  'private-key': (r) => {
    const label = r.pick(['RSA PRIVATE KEY', 'EC PRIVATE KEY', 'OPENSSH PRIVATE KEY', 'PRIVATE KEY', 'ENCRYPTED PRIVATE KEY']);
    const newline = r.pick(['\n', '\\n', '\r\n']);
    const key = `-----BEGIN ${label}-----${newline}${base64Blob(r, r.int(120, 900), 64, newline)}${newline}-----END ${label}-----`;
    return plain(key);
  },
  'database-url-password': (r) => {
    const secret = password(r);
    const scheme = r.pick(['postgres', 'postgresql', 'mysql', 'mongodb', 'mongodb+srv', 'redis', 'rediss', 'mariadb', 'mssql']);
    return { text: `${scheme}://${r.pick(['app', 'admin', 'svc_api', ''])}:${secret}@${host(r)}:${r.int(1024, 65000)}/${r.pick(['main', 'prod', '0'])}`, secret };
  },
  'broker-url-password': (r) => {
    const secret = password(r);
    return { text: `${r.pick(['amqp', 'amqps', 'mqtt', 'mqtts', 'nats'])}://${r.pick(['guest', 'worker', 'svc'])}:${secret}@${host(r)}:5672/vhost`, secret };
  },
  'url-credentials': (r) => {
    const secret = password(r);
    return { text: `${r.pick(['https', 'http', 'ftp', 'sftp'])}://${r.pick(['deploy', 'ci-bot', 'jane'])}:${secret}@${r.pick(['git.example.com', 'files.example.org'])}/repo`, secret };
  },
  'http-basic-auth': (r) => {
    const secret = Buffer.from(`${r.chars(LOWER, 6)}:${password(r)}`).toString('base64');
    return inContext(r, ['Authorization: Basic ', "-H 'Authorization: Basic ", '"authorization": "Basic '], secret);
  },
  'http-bearer-token': (r) => inContext(r, ['Authorization: Bearer ', 'bearer ', '"Authorization": "Bearer '], r.chars(ALNUM + '-._~', r.int(32, 64))),
  'generic-secret': (r) =>
    inContext(r, ['password=', 'DB_PASSWORD=', 'client_secret: ', 'api_key = "', '"passwd": "', 'secret_key: ', 'app_secret='], password(r) + r.chars(ALNUM, 4)),
  'age-secret-key': (r) => plain(`AGE-SECRET-KEY-1${r.chars('QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L', 58)}`),
  'terraform-cloud-token': (r) => plain(`${r.chars(ALNUM, 14)}.atlasv1.${r.chars(ALNUM + '_-', 67)}`),
  'grafana-token': (r) => plain(r.chance(0.5) ? `glsa_${r.chars(ALNUM, 32)}_${r.chars(HEX, 8)}` : `glc_${base64Blob(r, r.int(60, 150))}`),
  'newrelic-api-key': (r) => plain(`NRAK-${r.chars(UPPER + DIGITS, 27)}`),
  'planetscale-token': (r) => plain(`pscale_${r.pick(['tkn', 'pw', 'oauth'])}_${r.chars(ALNUM + '_-', 43)}`),
  'supabase-token': (r) => plain(`sbp_${r.chars(HEX, 40)}`),
  'pulumi-access-token': (r) => plain(`pul-${r.chars(HEX, 40)}`),
};
