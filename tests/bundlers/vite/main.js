// The embed from the package's README, as an app would write it.
import { createScreener } from 'prescreen';

const form = document.querySelector('form');
createScreener({ filter: '/filter.psf', policy: { pdq: 'block' } }).then((screener) => {
  screener.attach(form);
  document.body.dataset.ready = 'true';
});
