/** The frame of every page: skip link, header with the main navigation, the page's content. */
import type { ComponentChildren } from 'preact';
import { href } from '../router.js';
import { Link } from './Link.js';

const SECTIONS = [
  { id: 'apis', label: 'APIs' },
  { id: 'streams', label: 'Kinesis streams' },
  { id: 'iam', label: 'IAM roles' },
] as const;

export function Layout({ section, children }: { section: string; children: ComponentChildren }) {
  return (
    <>
      <a class="skip-link" href="#main">
        Skip to content
      </a>
      <header class="topbar">
        <Link class="brand" href={href()}>
          <span aria-hidden="true" class="logo">
            ≋
          </span>{' '}
          Sluice console
        </Link>
        <nav aria-label="Main">
          <ul>
            {SECTIONS.map((s) => (
              <li>
                <Link href={s.id === 'iam' ? href('iam', 'roles') : href(s.id)} aria-current={section === s.id ? 'page' : undefined}>
                  {s.label}
                </Link>
              </li>
            ))}
          </ul>
        </nav>
        <span class="endpoint" title="Every page here uses the public AWS APIs on this port">
          {location.host}
        </span>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </>
  );
}

/** Page title (h1) plus breadcrumbs; sets document.title too. */
export function PageHeader({ title, crumbs = [], actions }: { title: string; crumbs?: { label: string; href: string }[]; actions?: ComponentChildren }) {
  document.title = `${title} · Sluice console`;
  return (
    <div class="page-header">
      {crumbs.length > 0 ? (
        <nav aria-label="Breadcrumb" class="breadcrumbs">
          <ol>
            {crumbs.map((c) => (
              <li>
                <Link href={c.href}>{c.label}</Link>
              </li>
            ))}
            <li aria-current="page">{title}</li>
          </ol>
        </nav>
      ) : null}
      <div class="row spread">
        <h1>{title}</h1>
        {actions ? <div class="actions">{actions}</div> : null}
      </div>
    </div>
  );
}
