/** Column builders: string functions (Spark's Python/Scala names and signatures). */
export {};
