/** `index-orders`: once after upgrading, lists the orders written before GSI2 under their mobile number. */
import type { AdminCommand } from '../cli.js';

export const indexOrdersCommand: AdminCommand = {
  name: 'index-orders',
  summary: 'once after upgrading: list older orders under their mobile number, so that erase finds them',
  synopsis: '',
  help: [
    'Erasure finds a person’s orders on the table’s index GSI2 (by mobile number). Orders written',
    'before that index existed are not on it: this gives each of them its index keys. Run it once',
    'after deploying the version that added GSI2 (it scans the table; orders written since are',
    'skipped, so running it again is harmless). Prints {"indexed":<orders>}.',
  ],
  options: {},
  async run({ connect, print }) {
    const connection = await connect();
    try {
      print(JSON.stringify({ indexed: await connection.repository.indexOrdersByMobile() }));
    } finally {
      connection.close();
    }
  },
};
