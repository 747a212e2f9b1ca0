/** Cold-start floor of a function without AWS clients: a handler that imports nothing, bundled like the others. */
export const handler = async () => ({ statusCode: 204, body: '' });
