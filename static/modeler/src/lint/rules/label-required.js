// bpmnlint's label-required, without tenggat markers (see ../tenggat.js).
import rule from 'bpmnlint/rules/label-required';
import { skippingTenggat } from '../tenggat.js';

export default skippingTenggat(rule);
