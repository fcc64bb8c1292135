// An upload page as Uppy's docs build one: a Dashboard, XHRUpload to the
// server's POST /upload (multipart field `file`), and the prescreen plugin.
// The query string picks the variations the tests need.
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import XHRUpload from '@uppy/xhr-upload';
import PrescreenPlugin from 'prescreen/uppy';
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';

const params = new URLSearchParams(location.search);
const uppy = new Uppy({ autoProceed: params.has('autoProceed') })
  .use(Dashboard, { inline: true, target: '#uploader', proudlyDisplayPoweredByUppy: false })
  .use(XHRUpload, { endpoint: '/upload', fieldName: 'file', bundle: params.has('bundle') });
if (!params.has('later')) uppy.use(PrescreenPlugin, { filter: '/filter.psf', policy: { pdq: 'block' } });

// For the tests: Uppy, and the plugin to install by hand (`?later`).
Object.assign(globalThis, { uppy, PrescreenPlugin });
