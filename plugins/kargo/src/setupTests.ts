import '@testing-library/jest-dom';

// jsdom has no SVG layout; Backstage's DependencyGraph measures each node
// with getBBox. Our nodes are fixed-size foreignObjects: report that size.
Object.defineProperty(window.SVGElement.prototype, 'getBBox', {
  configurable: true,
  value(this: SVGElement) {
    const box = this.querySelector('foreignObject');
    return {
      x: 0,
      y: 0,
      width: Number(box?.getAttribute('width') ?? 0),
      height: Number(box?.getAttribute('height') ?? 0),
    };
  },
});
