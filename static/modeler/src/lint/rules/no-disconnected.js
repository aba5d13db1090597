// bpmnlint's no-disconnected, without tenggat markers (see ../tenggat.js).
import rule from 'bpmnlint/rules/no-disconnected';
import { skippingTenggat } from '../tenggat.js';

export default skippingTenggat(rule);
