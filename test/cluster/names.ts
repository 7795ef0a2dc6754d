/** Name, label and key syntax checks with the API server's own messages (k8s.io/apimachinery/pkg/util/validation). */

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const SUBDOMAIN = `${LABEL}(\\.${LABEL})*`;
const QUALIFIED = '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]';
const LABEL_VALUE = `(${QUALIFIED})?`;

const dns1123LabelRe = new RegExp(`^${LABEL}$`);
const dns1123SubdomainRe = new RegExp(`^${SUBDOMAIN}$`);
const qualifiedRe = new RegExp(`^${QUALIFIED}$`);
const labelValueRe = new RegExp(`^${LABEL_VALUE}$`);
const envNameRe = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const configKeyRe = /^[-._a-zA-Z0-9]+$/;

const maxLen = (n: number): string => `must be no more than ${n} characters`;

const SUBDOMAIN_MSG = `a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '${SUBDOMAIN}')`;
const LABEL_MSG = `a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '${LABEL}')`;
const QUALIFIED_MSG = `must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '${QUALIFIED}')`;
const LABEL_VALUE_MSG = `a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '${LABEL_VALUE}')`;
const ENV_MSG = `a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')`;
const CONFIG_KEY_MSG = `a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`;

export function dns1123SubdomainErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 253) errs.push(maxLen(253));
  if (!dns1123SubdomainRe.test(value)) errs.push(SUBDOMAIN_MSG);
  return errs;
}

export function dns1123LabelErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!dns1123LabelRe.test(value)) errs.push(LABEL_MSG);
  return errs;
}

/** Object name checks; `prefix` is generateName mode (a trailing '-' is fine). */
export function objectNameErrors(value: string, kind: 'subdomain' | 'label', prefix = false): string[] {
  const name = prefix ? value.replace(/-$/, 'a') : value;
  return kind === 'label' ? dns1123LabelErrors(name) : dns1123SubdomainErrors(name);
}

/** A label or annotation key: an optional DNS subdomain prefix, '/', and a name of at most 63 characters. */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  if (parts.length > 2) return [`a qualified name ${QUALIFIED_MSG} with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')`];
  const errs: string[] = [];
  let name = parts[0]!;
  if (parts.length === 2) {
    const prefix = parts[0]!;
    name = parts[1]!;
    if (prefix.length === 0) errs.push('prefix part must be non-empty');
    else errs.push(...dns1123SubdomainErrors(prefix).map((e) => `prefix part ${e}`));
  }
  if (name.length === 0) errs.push('name part must be non-empty');
  else if (name.length > 63) errs.push(`name part ${maxLen(63)}`);
  if (name.length > 0 && !qualifiedRe.test(name)) errs.push(`name part ${QUALIFIED_MSG}`);
  return errs;
}

export function labelValueErrors(value: string): string[] {
  const errs: string[] = [];
  if (value.length > 63) errs.push(maxLen(63));
  if (!labelValueRe.test(value)) errs.push(LABEL_VALUE_MSG);
  return errs;
}

export function envNameErrors(name: string): string[] {
  return envNameRe.test(name) ? [] : [ENV_MSG];
}

export function configKeyErrors(key: string): string[] {
  const errs: string[] = [];
  if (key.length > 253) errs.push(maxLen(253));
  if (!configKeyRe.test(key)) errs.push(CONFIG_KEY_MSG);
  if (key === '.' || key === '..' || key.startsWith('..')) errs.push(`must not be '.' or '..' or start with '..'`);
  return errs;
}
