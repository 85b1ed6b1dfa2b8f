/** The Sluice web console: a client of Sluice's public AWS APIs on the same port. */
import { render } from 'preact';
import { App } from './app.js';
import './styles.css';

render(<App />, document.getElementById('app')!);
