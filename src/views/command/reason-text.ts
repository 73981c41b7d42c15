import { t } from '../../ui/i18n/i18n.svelte.ts';
import { zhCN, type MessageKey } from '../../ui/i18n/zh-CN.ts';

/** "Could not do that: <why>" for an operation's or a write's reason code (any code, known or not). */
export function reasonText(problem: { code: string }): string {
  const key = `edit.reason.${problem.code}`;
  const why = key in zhCN ? t(key as MessageKey) : t('edit.reason.other', { code: problem.code });
  return t('edit.reason', { reason: why });
}
