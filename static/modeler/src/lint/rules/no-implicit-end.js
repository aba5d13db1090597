// bpmnlint's no-implicit-end, without tenggat markers (see ../tenggat.js).
import rule from 'bpmnlint/rules/no-implicit-end';
import { skippingTenggat } from '../tenggat.js';

export default skippingTenggat(rule);
