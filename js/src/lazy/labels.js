// The map's label overlay (cluster names at up to three levels, entity names): its own lazily loaded
// module, fetched by every visit once the metadata is in (features/labeling.js), after the first frame.
export { createLabels } from '../labels.js';
