import type { DistrictId } from './contract.ts';
import { District } from './layout.ts';
import type { Random } from './random.ts';

export interface Name {
  zh: string;
  en: string;
}

export const DISTRICTS: Record<District, { id: DistrictId; zh: string; en: string }> = {
  [District.Xiaohai]: { id: 'dst-xiaohai', zh: '小海街道', en: 'Xiaohai' },
  [District.Zhongxing]: { id: 'dst-zhongxing', zh: '中兴街道', en: 'Zhongxing' },
  [District.Xinkai]: { id: 'dst-xinkai', zh: '新开街道', en: 'Xinkai' },
  [District.Zhuhang]: { id: 'dst-zhuhang', zh: '竹行街道', en: 'Zhuhang' },
  [District.Laohonggang]: { id: 'dst-laohonggang', zh: '老洪港片区', en: 'Laohonggang' },
};

/** Invented name stems (Chinese, pinyin) for compounds, streets, hotels and firms. */
const STEMS: readonly [string, string][] = [
  ['星湖', 'Xinghu'],
  ['东方', 'Dongfang'],
  ['金港', 'Jingang'],
  ['银河', 'Yinhe'],
  ['紫薇', 'Ziwei'],
  ['锦绣', 'Jinxiu'],
  ['海棠', 'Haitang'],
  ['翠竹', 'Cuizhu'],
  ['明珠', 'Mingzhu'],
  ['阳光', 'Yangguang'],
  ['滨江', 'Binjiang'],
  ['望江', 'Wangjiang'],
  ['观澜', 'Guanlan'],
  ['通盛', 'Tongsheng'],
  ['中央', 'Zhongyang'],
  ['新城', 'Xincheng'],
  ['和平', 'Heping'],
  ['幸福', 'Xingfu'],
  ['长青', 'Changqing'],
  ['百合', 'Baihe'],
  ['枫林', 'Fenglin'],
  ['春晖', 'Chunhui'],
  ['秋实', 'Qiushi'],
  ['文峰', 'Wenfeng'],
  ['景瑞', 'Jingrui'],
  ['嘉禾', 'Jiahe'],
  ['瑞丰', 'Ruifeng'],
  ['兴业', 'Xingye'],
  ['振兴', 'Zhenxing'],
  ['丰乐', 'Fengle'],
  ['安居', 'Anju'],
  ['宏达', 'Hongda'],
  ['鸿福', 'Hongfu'],
  ['怡景', 'Yijing'],
  ['雅居', 'Yaju'],
  ['碧水', 'Bishui'],
  ['青枫', 'Qingfeng'],
  ['绿洲', 'Lvzhou'],
  ['江畔', 'Jiangpan'],
  ['海晏', 'Haiyan'],
  ['蓝湾', 'Lanwan'],
  ['金桂', 'Jingui'],
  ['玉兰', 'Yulan'],
  ['丽景', 'Lijing'],
  ['御景', 'Yujing'],
  ['世纪', 'Shiji'],
  ['未来', 'Weilai'],
  ['朝阳', 'Chaoyang'],
  ['新港', 'Xingang'],
  ['恒盛', 'Hengsheng'],
  ['通达', 'Tongda'],
  ['竹林', 'Zhulin'],
  ['梧桐', 'Wutong'],
  ['香樟', 'Xiangzhang'],
  ['启航', 'Qihang'],
  ['海德', 'Haide'],
  ['天成', 'Tiancheng'],
  ['润泽', 'Runze'],
  ['如意', 'Ruyi'],
  ['吉祥', 'Jixiang'],
  ['富民', 'Fumin'],
  ['建设', 'Jianshe'],
  ['繁华', 'Fanhua'],
  ['鹏程', 'Pengcheng'],
];

const COMPOUND_SUFFIXES: readonly [string, string][] = [
  ['花园', 'Garden'],
  ['家园', 'Jiayuan'],
  ['新村', 'New Village'],
  ['苑', 'Court'],
  ['公寓', 'Apartments'],
  ['华庭', 'Huating'],
  ['雅苑', 'Yayuan'],
  ['小区', 'Estate'],
  ['城', 'City'],
  ['湾', 'Bay'],
  ['府', 'Residence'],
  ['里', 'Li'],
];

const HOTEL_SUFFIXES: readonly [string, string][] = [
  ['商务酒店', 'Business Hotel'],
  ['大酒店', 'Grand Hotel'],
  ['宾馆', 'Guesthouse'],
  ['假日酒店', 'Holiday Hotel'],
  ['精品酒店', 'Boutique Hotel'],
  ['快捷酒店', 'Express Hotel'],
];

const INDUSTRIES: readonly [string, string][] = [
  ['精密机械', 'Precision Machinery'],
  ['电子科技', 'Electronics'],
  ['新材料', 'New Materials'],
  ['生物医药', 'Biopharma'],
  ['港口物流', 'Port Logistics'],
  ['化工', 'Chemicals'],
  ['纺织', 'Textiles'],
  ['船舶重工', 'Shipbuilding'],
  ['汽车零部件', 'Auto Parts'],
  ['食品', 'Foods'],
  ['能源装备', 'Energy Equipment'],
  ['智能制造', 'Smart Manufacturing'],
];

const ZH_DIGITS = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/** Chinese numeral for 1..9999 (enough for every count the generator names). */
export function zhNumber(n: number): string {
  if (n < 10) return ZH_DIGITS[n];
  if (n < 20) return `十${n % 10 ? ZH_DIGITS[n % 10] : ''}`;
  if (n < 100) return `${ZH_DIGITS[Math.floor(n / 10)]}十${n % 10 ? ZH_DIGITS[n % 10] : ''}`;
  return String(n);
}

/**
 * An endless, deterministic supply of distinct names: every stem x suffix combination once in a
 * shuffled order, then again with a numbered variant (phase, branch, ...).
 */
export class NameSource {
  private readonly combos: Name[];
  private next = 0;
  private readonly used = new Set<string>();

  constructor(
    rng: Random,
    suffixes: readonly [string, string][],
    private readonly variant: (base: Name, round: number) => Name,
    format: (stem: [string, string], suffix: [string, string]) => Name,
    reserved: readonly string[] = [],
  ) {
    this.combos = [];
    for (const stem of STEMS) for (const suffix of suffixes) this.combos.push(format(stem, suffix));
    rng.shuffle(this.combos);
    for (const r of reserved) this.used.add(r);
  }

  take(): Name {
    for (;;) {
      const base = this.combos[this.next % this.combos.length];
      const round = Math.floor(this.next / this.combos.length);
      this.next++;
      const name = round === 0 ? base : this.variant(base, round);
      if (!this.used.has(name.zh)) {
        this.used.add(name.zh);
        return name;
      }
    }
  }
}

export function compoundNames(rng: Random, reserved: readonly string[]): NameSource {
  return new NameSource(
    rng,
    COMPOUND_SUFFIXES,
    (b, r) => ({ zh: `${b.zh}${zhNumber(r + 1)}期`, en: `${b.en} Phase ${r + 1}` }),
    ([s, se], [x, xe]) => ({ zh: s + x, en: `${se} ${xe}` }),
    reserved,
  );
}

export function hotelNames(rng: Random, reserved: readonly string[]): NameSource {
  return new NameSource(
    rng,
    HOTEL_SUFFIXES,
    (b, r) => ({ zh: `${b.zh}${zhNumber(r + 1)}号店`, en: `${b.en} No. ${r + 1}` }),
    ([s, se], [x, xe]) => ({ zh: s + x, en: `${se} ${xe}` }),
    reserved,
  );
}

export function enterpriseNames(rng: Random): NameSource {
  return new NameSource(
    rng,
    INDUSTRIES,
    (b, r) => ({
      zh: b.zh.replace('有限公司', `${zhNumber(r + 1)}厂有限公司`),
      en: b.en.replace(' Co., Ltd.', ` Plant ${r + 1} Co., Ltd.`),
    }),
    ([s, se], [x, xe]) => ({ zh: `南通${s}${x}有限公司`, en: `Nantong ${se} ${xe} Co., Ltd.` }),
  );
}

/**
 * Street names: one per grid line, the suffix after the road's rank.
 * North-south and east-west lines draw from disjoint halves of the stems.
 */
export function streetName(
  stemOrder: readonly number[],
  vertical: boolean,
  line: number,
  rank: 'avenue' | 'road' | 'street',
): Name {
  const half = Math.floor(STEMS.length / 2);
  const slot = (vertical ? 0 : half) + (line % half);
  const round = Math.floor(line / half);
  const [zh, en] = STEMS[stemOrder[slot]];
  const zhSuffix = rank === 'avenue' ? '大道' : rank === 'road' ? '路' : '街';
  const enSuffix = rank === 'avenue' ? 'Avenue' : rank === 'road' ? 'Road' : 'Street';
  const ordinalZh = round === 0 ? '' : zhNumber(round + 1);
  const ordinalEn = round === 0 ? '' : ` ${round + 1}`;
  return { zh: `${zh}${ordinalZh}${zhSuffix}`, en: `${en}${ordinalEn} ${enSuffix}` };
}

export function stemOrder(rng: Random): number[] {
  return rng.shuffle(STEMS.map((_, i) => i));
}

/** Expressways crossing the plan; the first of each direction is the one of the report's area. */
export const NS_EXPRESSWAYS: readonly Name[] = [
  { zh: 'G15沈海高速', en: 'G15 Shenhai Expressway' },
  { zh: 'S19通锡高速', en: 'S19 Tongxi Expressway' },
  { zh: 'S28启扬高速', en: 'S28 Qiyang Expressway' },
  { zh: 'G1522常台高速', en: 'G1522 Changtai Expressway' },
];
export const EW_EXPRESSWAYS: readonly Name[] = [
  { zh: 'G40沪陕高速', en: 'G40 Hushan Expressway' },
  { zh: 'S58沪宜高速', en: 'S58 Huyi Expressway' },
  { zh: 'G2京沪高速', en: 'G2 Jinghu Expressway' },
  { zh: 'S32申嘉湖高速', en: 'S32 Shenjiahu Expressway' },
];

export function expresswayName(list: readonly Name[], k: number): Name {
  const base = list[k % list.length];
  const round = Math.floor(k / list.length);
  return round === 0 ? base : { zh: `${base.zh}${zhNumber(round + 1)}线`, en: `${base.en} Line ${round + 1}` };
}
