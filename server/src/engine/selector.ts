/** The one label selector lives in shared/ (the client's cluster features use it too). */
export * from '../../../shared/selector';
