import { Link } from '../components/Link.js';
import { PageHeader } from '../components/Layout.js';
import { href } from '../router.js';

export function NotFound() {
  return (
    <section>
      <PageHeader title="Page not found" />
      <p>
        There is no console page at <code>{location.pathname}</code>. Go to the <Link href={href('apis')}>APIs</Link>.
      </p>
    </section>
  );
}
