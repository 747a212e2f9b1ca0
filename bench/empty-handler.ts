/** The baseline for the cold-start figures: a handler that imports nothing, bundled like the others. */
export const handler = async () => ({ statusCode: 204, body: '' });
