export declare const PARSE_TARGET_RATIO: number;
export declare function measureParse(options?: { rounds?: number; calls?: number }): {
  fixture: string;
  bytes: number;
  'JSON.parse ns': number;
  'parseEvent ns': number;
  ratio: number;
}[];
