import { LOCALES } from '../../src/navigation/hash-state.ts';
import { loadCatalogue } from '../../src/ui/i18n/catalogues.ts';

// Unit tests translate into any language at once (`translate('en', …)`), as the app can once the
// language's catalogue is in: every file starts with all of them loaded, the way the app loads one.
await Promise.all(LOCALES.map(loadCatalogue));
