import { initAll } from "/static/build/js/govuk-frontend.min.js";

initAll();
