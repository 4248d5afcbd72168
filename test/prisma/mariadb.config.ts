import { configFor } from './config-for.js';

export default configFor('mariadb');
