import { type DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';

/**
 * A plain in-memory DuckDB, for checking Waybill against SQL written straight on
 * the source files. Extension auto-install and auto-load are off, as for the store:
 * nothing may be downloaded. `close()` releases the connection and the instance.
 */
export async function memoryDuckDB(): Promise<{ connection: DuckDBConnection; close: () => void }> {
  const instance = await DuckDBInstance.create(':memory:', { autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const connection = await instance.connect();
  return {
    connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
