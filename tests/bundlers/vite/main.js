// The embed from the package's README, as an app would write it.
import { guard } from 'prescreen';

guard(document.querySelector('form'), { filter: '/filter.psf', policy: { pdq: 'block' } });
