import { AxeBuilder } from '@axe-core/playwright';
import type { Page } from 'playwright-core';
import { pollUntil } from './poll';

/** The bar: WCAG 2.0/2.1 A and AA, plus axe's best practices. */
export const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'];

/** Waits until no Vue/Quasar transition is running, so colours are read at rest. */
export async function settled(page: Page): Promise<void> {
  await pollUntil(
    () => page.locator('[class*="-enter-active"], [class*="-leave-active"]').count(),
    (n) => n === 0,
  );
}

/**
 * Runs axe on the whole page at rest and returns one line per violating node,
 * `where · id (impact) target: help — html`, so a failing assertion prints what to fix.
 */
export async function axeViolations(page: Page, where: string): Promise<string[]> {
  await settled(page);
  const { violations } = await new AxeBuilder({ page }).withTags(AXE_TAGS).analyze();
  return violations.flatMap((v) =>
    v.nodes.map(
      (node) =>
        `${where} · ${v.id} (${v.impact ?? 'n/a'}) ${JSON.stringify(node.target)}: ${v.help} — ${node.html.slice(0, 160)}`,
    ),
  );
}
