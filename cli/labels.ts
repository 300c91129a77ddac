/** The labels by which the CLI finds what it made: containers, volumes and networks carry the project's name. */
export const PROJECT_LABEL = "io.stevie-stack.project";
/** Marks what a test made, for its cleanup. */
export const TEST_LABEL = "io.stevie-stack.test";
