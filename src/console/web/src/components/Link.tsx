/** An in-app link: a real <a href> (open in new tab works) that navigates without a reload. */
import type { ComponentChildren } from 'preact';
import { navigate } from '../router.js';

export function Link({ href, children, class: className, 'aria-current': current }: { href: string; children: ComponentChildren; class?: string; 'aria-current'?: 'page' | undefined }) {
  const onClick = (e: MouseEvent): void => {
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    navigate(href);
  };
  return (
    <a href={href} class={className} aria-current={current} onClick={onClick}>
      {children}
    </a>
  );
}
