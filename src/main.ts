import '@fontsource/noto-sans-sc/400.css';
import './ui/app.css';
import { mount } from 'svelte';
import App from './App.svelte';
import { loadUrlLocale } from './ui/i18n/i18n.svelte.ts';

// A link to the English page: its catalogue first, so that no Chinese shows before the English.
// A promise, not a top-level await: with one, the bundler splits the entry into several chunks.
void loadUrlLocale().then(() => mount(App, { target: document.getElementById('app')! }));
// A link edited by hand changes the hash, not the page: its language may not be in yet.
window.addEventListener('hashchange', () => void loadUrlLocale());
