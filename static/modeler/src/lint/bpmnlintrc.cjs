// The bpmnlint rules the modeler runs as one edits (packed into the bundle at build time by
// bpmnlint-esbuild.mjs); the server's SOP lint, the one deploy obeys, runs on every save.
module.exports = {
  extends: 'bpmnlint:recommended',
  rules: {
    // Tenggat markers (unnamed boundary timers with no outgoing flow, convention 2) are no implicit
    // end, need no label and have no flows by design: these three run as alur/ rules that skip them.
    'no-implicit-end': 'off',
    'label-required': 'off',
    'no-disconnected': 'off',
    'alur/no-implicit-end': 'error',
    'alur/label-required': 'error',
    'alur/no-disconnected': 'error'
  }
};
